// The reference kernels shipped as WebAssembly (wasm/, built from assembly/ by scripts/kernels.mjs; a test checks the
// shipped bytes are the build of their source).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keccak256, type Hex } from 'viem';

export const KERNELS = ['inference', 'render', 'train'] as const;
export type KernelName = (typeof KERNELS)[number];

/** A kernel's module and its content hash (what a job names as its spec's module). */
export function kernelModule(name: KernelName): { wasm: Uint8Array<ArrayBuffer>; hash: Hex } {
  const wasm: Uint8Array<ArrayBuffer> = new Uint8Array(
    readFileSync(fileURLToPath(new URL(`../wasm/${name}.wasm`, import.meta.url))),
  );
  return { wasm, hash: keccak256(wasm) };
}
