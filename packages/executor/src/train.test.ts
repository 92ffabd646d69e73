import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { executeModule, ExecutionError } from './execute.ts';
import { kernelModule } from './kernels.ts';
import { trainInput, trainJs, trainResult, type TrainShape } from './train.ts';

const FUEL = 10n ** 10n;
const { wasm, hash } = kernelModule('train');
const train = (input: Uint8Array) => executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });
const SHAPE: TrainShape = { samples: 256, features: 8, epochs: 12, lrShift: 7 };

describe('the training kernel in WebAssembly', () => {
  it('learns what the JavaScript kernel learns, bit for bit, and the loss falls to the noise', () => {
    const input = trainInput(SHAPE, mulberry32(11));
    const r = train(input);
    assert.deepEqual(r.output, trainJs(input));
    const { weights, bias, losses } = trainResult(r.output, SHAPE.features);
    assert.equal(weights.length, SHAPE.features);
    assert.equal(losses.length, SHAPE.epochs);
    // the targets' noise is uniform in ±0.05: a variance of 0.1² / 12, about 55 in Q16.16
    assert.ok(losses[0]! > 100n * losses.at(-1)!, `losses ${losses.join(', ')}`);
    assert.ok(losses.at(-1)! < 80n, `final loss ${losses.at(-1)}`);
    assert.ok(Math.abs(bias / 65536 - 0.5) < 0.02, `bias ${bias / 65536}`);
  });

  it('gives the same weights on every run; another seed, other weights', () => {
    const a = train(trainInput(SHAPE, mulberry32(12)));
    assert.deepEqual(train(trainInput(SHAPE, mulberry32(12))), a);
    assert.notEqual(train(trainInput(SHAPE, mulberry32(13))).outputHash, a.outputHash);
  });

  it('refuses a shape out of range, naming the field; the kernel traps on a value out of range', () => {
    for (const [k, v] of [
      ['samples', 0],
      ['features', 257],
      ['epochs', 1001],
      ['lrShift', 31],
      ['samples', 1.5],
    ] as const)
      assert.throws(
        () => trainInput({ ...SHAPE, [k]: v }, mulberry32(1)),
        (e: unknown) => e instanceof InputError && e.field === k,
      );
    const input = trainInput(SHAPE, mulberry32(14));
    new DataView(input.buffer).setInt32(16, 17 * 65536, true); // a feature of 17 units: outside ±16
    assert.throws(
      () => train(input),
      (e: unknown) => e instanceof ExecutionError && e.field === 'module',
    );
  });
});
