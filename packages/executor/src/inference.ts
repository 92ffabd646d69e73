// The reference inference workload: an int8 quantised two-layer perceptron over a batch, as assembly/inference.ts
// runs it in WebAssembly, and the same kernel in plain JavaScript (the bench's baseline and the tests' oracle).
// Integer arithmetic only: ReLU and an arithmetic right shift requantise each layer to int8.
import { InputError } from '@greenhour/errors';

export interface InferenceShape {
  batch: number;
  nIn: number;
  nHidden: number;
  nOut: number;
  /** Right shifts that requantise the hidden and the output layer to int8. */
  shift1: number;
  shift2: number;
}

const HEADER_BYTES = 24;

/** Bytes of an input of this shape (see assembly/inference.ts for the layout). */
export function inferenceInputBytes(s: InferenceShape): number {
  return HEADER_BYTES + s.nHidden * s.nIn + 4 * s.nHidden + s.nOut * s.nHidden + 4 * s.nOut + s.batch * s.nIn;
}

function checkShape(s: InferenceShape): void {
  for (const k of ['batch', 'nIn', 'nHidden', 'nOut'] as const)
    if (!Number.isInteger(s[k]) || s[k] < 1 || s[k] > 65_536)
      throw new InputError(k, `must be an integer from 1 to 65,536, got ${s[k]}`);
  for (const k of ['shift1', 'shift2'] as const)
    if (!Number.isInteger(s[k]) || s[k] < 0 || s[k] > 31)
      throw new InputError(k, `must be an integer from 0 to 31, got ${s[k]}`);
}

/** An input of `shape` with weights, biases and samples from `next` (a PRNG giving [0, 1)). */
export function inferenceInput(shape: InferenceShape, next: () => number): Uint8Array {
  checkShape(shape);
  const buf = new Uint8Array(inferenceInputBytes(shape));
  const v = new DataView(buf.buffer);
  [shape.batch, shape.nIn, shape.nHidden, shape.nOut, shape.shift1, shape.shift2].forEach((x, i) =>
    v.setUint32(4 * i, x, true),
  );
  let p = HEADER_BYTES;
  const i8s = (n: number) => {
    for (let k = 0; k < n; k++) v.setInt8(p++, Math.floor(next() * 256) - 128);
  };
  const i32s = (n: number) => {
    for (let k = 0; k < n; k++, p += 4) v.setInt32(p, Math.floor(next() * 4096) - 2048, true);
  };
  i8s(shape.nHidden * shape.nIn);
  i32s(shape.nHidden);
  i8s(shape.nOut * shape.nHidden);
  i32s(shape.nOut);
  i8s(shape.batch * shape.nIn);
  return buf;
}

const clamp8 = (x: number) => (x < -128 ? -128 : x > 127 ? 127 : x);

/** The kernel in plain JavaScript: per sample the int8 logits and the argmax (the first of equal maxima). */
export function inferenceJs(input: Uint8Array): Uint8Array {
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const u32 = (i: number) => v.getUint32(4 * i, true);
  const batch = u32(0);
  const nIn = u32(1);
  const nH = u32(2);
  const nOut = u32(3);
  const s1 = u32(4);
  const s2 = u32(5);
  const w1 = new Int8Array(input.buffer, input.byteOffset + HEADER_BYTES, nH * nIn);
  const b1 = HEADER_BYTES + nH * nIn;
  const w2 = new Int8Array(input.buffer, input.byteOffset + b1 + 4 * nH, nOut * nH);
  const b2 = b1 + 4 * nH + nOut * nH;
  const x = new Int8Array(input.buffer, input.byteOffset + b2 + 4 * nOut, batch * nIn);
  const out = new Int8Array(batch * (nOut + 1));
  const h = new Int8Array(nH);
  for (let s = 0; s < batch; s++) {
    for (let j = 0; j < nH; j++) {
      let acc = v.getInt32(b1 + 4 * j, true);
      for (let i = 0; i < nIn; i++) acc = (acc + x[s * nIn + i]! * w1[j * nIn + i]!) | 0;
      h[j] = clamp8(acc > 0 ? acc >> s1 : 0);
    }
    let best = 0;
    let bestV = -129;
    for (let k = 0; k < nOut; k++) {
      let acc = v.getInt32(b2 + 4 * k, true);
      for (let j = 0; j < nH; j++) acc = (acc + h[j]! * w2[k * nH + j]!) | 0;
      const o = clamp8(acc >> s2);
      out[s * (nOut + 1) + k] = o;
      if (o > bestV) {
        bestV = o;
        best = k;
      }
    }
    out[s * (nOut + 1) + nOut] = best;
  }
  return new Uint8Array(out.buffer);
}
