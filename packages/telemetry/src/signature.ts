// Device signatures over EIP-712 digests, with libsecp256k1 (npm `secp256k1`, prebuilt for linux-x64): the native
// library verifies ~20,000 signatures/s here against ~800/s for @noble/curves (BENCHMARKS.md).
import secp256k1 from 'secp256k1';
import { keccak256 } from './keccak.ts';
import { bytesToHex, type Address, type Hex } from 'viem';

/** 65-byte r ‖ s ‖ v with v = 27 + recovery id; libsecp256k1 signs with low s, as OpenZeppelin's ECDSA requires. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Hex {
  const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
  const out = new Uint8Array(65);
  out.set(signature, 0);
  out[64] = 27 + recid;
  return bytesToHex(out);
}

export function addressOfPublicKey(uncompressed: Uint8Array): Address {
  return bytesToHex(keccak256(uncompressed.subarray(1)).subarray(12)) as Address;
}

export function addressOfPrivateKey(privateKey: Uint8Array): Address {
  return addressOfPublicKey(secp256k1.publicKeyCreate(privateKey, false));
}

/**
 * The uncompressed public key that signed `digest`, or undefined for a signature OpenZeppelin's ECDSA.recover would
 * reject: not 65 bytes, v ∉ {27, 28}, high s (ecdsaRecover itself accepts high s), or no recoverable key.
 */
function recoverPublicKey(digest: Uint8Array, signature: Hex): Uint8Array | undefined {
  const sig = Buffer.from(signature.slice(2), 'hex');
  if (sig.length !== 65) return undefined;
  const v = sig[64]!;
  const rs = sig.subarray(0, 64);
  if ((v !== 27 && v !== 28) || isHighS(rs)) return undefined;
  try {
    return secp256k1.ecdsaRecover(rs, v - 27, digest, false);
  } catch {
    return undefined;
  }
}

/** Recovers the signer's address, or undefined for a signature the chain would reject. */
export function recoverSigner(digest: Uint8Array, signature: Hex): Address | undefined {
  const publicKey = recoverPublicKey(digest, signature);
  return publicKey && addressOfPublicKey(publicKey);
}

/**
 * Checks signatures of known devices. Recovery gives the public key; the first time a device is seen its key is hashed
 * to the address and kept, afterwards a byte comparison replaces the keccak. Same acceptance as OpenZeppelin's ECDSA.recover:
 * v ∈ {27, 28}, low s.
 */
export class DeviceVerifier {
  private readonly publicKeys = new Map<string, Uint8Array>();

  /** True when `signature` over `digest` is by `device` (lower-case address). */
  verify(device: string, digest: Uint8Array, signature: Hex): boolean {
    const publicKey = recoverPublicKey(digest, signature);
    if (publicKey === undefined) return false;
    const known = this.publicKeys.get(device);
    if (known) return bytesEqual(known, publicKey);
    if (addressOfPublicKey(publicKey) !== device) return false;
    this.publicKeys.set(device, publicKey);
    return true;
  }
}

// secp256k1 n / 2: OpenZeppelin's ECDSA rejects s above it (EIP-2).
const HALF_N = Buffer.from('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0', 'hex');

function isHighS(rs: Uint8Array): boolean {
  return Buffer.compare(rs.subarray(32, 64), HALF_N) > 0;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
