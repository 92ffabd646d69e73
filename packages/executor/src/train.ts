// The reference training workload: SGD steps of a linear model in Q16.16 fixed point, as assembly/train.ts runs them
// in WebAssembly, and the same kernel in plain JavaScript (the tests' oracle and the bench's baseline; exact in
// doubles because the kernel saturates the error and the weights at ±256 units).
import { InputError } from '@greenhour/errors';

const ONE = 65536;
const SAT = 256 * ONE;
const LIMIT = 16 * ONE;
const HEADER_BYTES = 16;

export interface TrainShape {
  samples: number;
  features: number;
  epochs: number;
  /** The learning rate is 2^-lrShift. */
  lrShift: number;
}

export interface TrainResult {
  /** Q16.16 */
  weights: number[];
  bias: number;
  /** Mean squared error after each epoch, Q16.16. */
  losses: bigint[];
}

function checkShape(s: TrainShape): void {
  const ranges = { samples: [1, 4096], features: [1, 256], epochs: [1, 1000], lrShift: [0, 30] } as const;
  for (const [k, [lo, hi]] of Object.entries(ranges) as [keyof TrainShape, readonly [number, number]][])
    if (!Number.isInteger(s[k]) || s[k] < lo || s[k] > hi)
      throw new InputError(k, `must be an integer from ${lo} to ${hi}, got ${s[k]}`);
}

/**
 * A regression problem of `shape`: features uniform in ±1, targets a hidden linear function of them plus noise
 * (±0.05), all from `next` (a PRNG giving [0, 1)).
 */
export function trainInput(shape: TrainShape, next: () => number): Uint8Array {
  checkShape(shape);
  const { samples: n, features: d } = shape;
  const buf = new Uint8Array(HEADER_BYTES + 4 * (n * d + n));
  const v = new DataView(buf.buffer);
  [n, d, shape.epochs, shape.lrShift].forEach((x, i) => v.setUint32(4 * i, x, true));
  const truth = Array.from({ length: d }, () => next() * 4 - 2);
  for (let i = 0; i < n; i++) {
    let y = 0.5;
    for (let j = 0; j < d; j++) {
      const x = next() * 2 - 1;
      y += truth[j]! * x;
      v.setInt32(HEADER_BYTES + 4 * (i * d + j), Math.round(x * ONE), true);
    }
    y += (next() - 0.5) * 0.1;
    v.setInt32(HEADER_BYTES + 4 * (n * d + i), Math.round(Math.max(-16, Math.min(16, y)) * ONE), true);
  }
  return buf;
}

const mul = (a: number, b: number) => Math.floor((a * b) / ONE);
const sat = (v: number) => (v > SAT ? SAT : v < -SAT ? -SAT : v);

/** The kernel in plain JavaScript: the output bytes (see assembly/train.ts). */
export function trainJs(input: Uint8Array): Uint8Array {
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const [n, d, epochs, lrShift] = [0, 4, 8, 12].map((o) => v.getUint32(o, true)) as [number, number, number, number];
  const x = new Int32Array(n * d);
  for (let k = 0; k < n * d; k++) x[k] = v.getInt32(HEADER_BYTES + 4 * k, true);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = v.getInt32(HEADER_BYTES + 4 * (n * d + i), true);
  const lr = 2 ** lrShift;
  const w = new Float64Array(d);
  let b = 0;
  const out = new Uint8Array(4 * d + 4 + 8 * epochs);
  const o = new DataView(out.buffer);
  const predict = (i: number) => {
    let p = b;
    for (let j = 0; j < d; j++) p += mul(w[j]!, x[i * d + j]!);
    return p;
  };
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < n; i++) {
      const err = sat(predict(i) - y[i]!);
      for (let j = 0; j < d; j++) w[j] = sat(w[j]! - Math.floor(mul(err, x[i * d + j]!) / lr));
      b = sat(b - Math.floor(err / lr));
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const err = sat(predict(i) - y[i]!);
      loss += mul(err, err);
    }
    o.setBigInt64(4 * d + 4 + 8 * e, BigInt(Math.trunc(loss / n)), true);
  }
  for (let j = 0; j < d; j++) o.setInt32(4 * j, w[j]!, true);
  o.setInt32(4 * d, b, true);
  return out;
}

/** The weights, bias and per-epoch losses in a kernel's output. */
export function trainResult(output: Uint8Array, features: number): TrainResult {
  const v = new DataView(output.buffer, output.byteOffset, output.byteLength);
  const epochs = (output.length - 4 * features - 4) / 8;
  return {
    weights: Array.from({ length: features }, (_, j) => v.getInt32(4 * j, true)),
    bias: v.getInt32(4 * features, true),
    losses: Array.from({ length: epochs }, (_, e) => v.getBigInt64(4 * features + 4 + 8 * e, true)),
  };
}
