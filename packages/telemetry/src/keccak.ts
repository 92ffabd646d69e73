// keccak-256 in WebAssembly (hash-wasm) for the hot paths: ingest digests every window twice and the attester hashes
// every tree node; hash-wasm runs a 480-byte input ~20 times faster than @noble/hashes' JS here (BENCHMARKS.md).
// One hasher per thread (each worker thread imports its own copy): its module is embedded in the package (nothing is
// fetched) and compiles once, at import. Every use is synchronous, so calls never interleave.
import { createKeccak } from 'hash-wasm';

const hasher = await createKeccak(256);

/** keccak256(data) as 32 new bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
}

/** keccak256(src) written into dst at dstOffset. */
export function keccak256Into(src: Uint8Array, dst: Uint8Array, dstOffset: number): void {
  dst.set(keccak256(src), dstOffset);
}
