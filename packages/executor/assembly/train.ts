// Training steps of a linear model by stochastic gradient descent, in Q16.16 fixed point (integer only, so every
// engine learns the same weights). Squared loss; the learning rate is 2^-lrShift; the error and every weight saturate
// at +-256 units, which keeps every product inside what the JavaScript twin computes exactly.
// Input (little endian): u32 samples, u32 features, u32 epochs, u32 lrShift, then x: i32[samples * features] and
// y: i32[samples], Q16.16, each within +-16 units.
// Output: u32 length, then i32 weights[features], i32 bias, and per epoch the mean squared error after it (i64, Q16.16).
export function inputPtr(len: i32): usize {
  return heap.alloc(<usize>len);
}

const SAT: i64 = 256 << 16;
const LIMIT: i64 = 16 << 16;

function mul(a: i64, b: i64): i64 {
  return (a * b) >> 16;
}

function sat(v: i64): i64 {
  return v > SAT ? SAT : v < -SAT ? -SAT : v;
}

export function run(p: usize, len: i32): usize {
  if (len < 16) unreachable();
  const n = load<u32>(p),
    d = load<u32>(p, 4),
    epochs = load<u32>(p, 8),
    lrShift = load<u32>(p, 12);
  if (n < 1 || n > 4096 || d < 1 || d > 256 || epochs < 1 || epochs > 1000 || lrShift > 30) unreachable();
  if (<i64>len != 16 + 4 * (<i64>n * d + n)) unreachable();
  const x = p + 16;
  const y = x + 4 * <usize>(n * d);
  for (let i: u32 = 0; i < n * d + n; i++) {
    const v: i64 = load<i32>(x + 4 * <usize>i);
    if (v > LIMIT || v < -LIMIT) unreachable();
  }
  const w = heap.alloc(8 * <usize>d);
  memory.fill(w, 0, 8 * <usize>d);
  let b: i64 = 0;
  const outLen = 4 * d + 4 + 8 * epochs;
  const out = heap.alloc(4 + <usize>outLen);
  store<u32>(out, outLen);
  const losses = out + 4 + 4 * <usize>d + 4;
  for (let e: u32 = 0; e < epochs; e++) {
    for (let i: u32 = 0; i < n; i++) {
      const xi = x + 4 * <usize>(i * d);
      let pred = b;
      for (let j: u32 = 0; j < d; j++) pred += mul(load<i64>(w + 8 * <usize>j), load<i32>(xi + 4 * <usize>j));
      const err = sat(pred - <i64>load<i32>(y + 4 * <usize>i));
      for (let j: u32 = 0; j < d; j++) {
        const wj = w + 8 * <usize>j;
        store<i64>(wj, sat(load<i64>(wj) - (mul(err, load<i32>(xi + 4 * <usize>j)) >> lrShift)));
      }
      b = sat(b - (err >> lrShift));
    }
    let loss: i64 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const xi = x + 4 * <usize>(i * d);
      let pred = b;
      for (let j: u32 = 0; j < d; j++) pred += mul(load<i64>(w + 8 * <usize>j), load<i32>(xi + 4 * <usize>j));
      const err = sat(pred - <i64>load<i32>(y + 4 * <usize>i));
      loss += mul(err, err);
    }
    store<i64>(losses + 8 * <usize>e, loss / n);
  }
  for (let j: u32 = 0; j < d; j++) store<i32>(out + 4 + 4 * <usize>j, <i32>load<i64>(w + 8 * <usize>j));
  store<i32>(out + 4 + 4 * <usize>d, <i32>b);
  return out;
}
