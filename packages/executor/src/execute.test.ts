import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';
import { keccak256 } from 'viem';
import { mulberry32 } from '@greenhour/energy';
import { InputError } from '@greenhour/errors';
import { executeModule, ExecutionError } from './execute.ts';
import { inferenceInput, inferenceJs, type InferenceShape } from './inference.ts';
import { kernelModule } from './kernels.ts';

const SHAPE: InferenceShape = { batch: 16, nIn: 64, nHidden: 32, nOut: 10, shift1: 8, shift2: 6 };
const FUEL = 10n ** 9n;

/** A module from WebAssembly text, with the exports a job needs unless the text has its own. */
function wat(body: string, memory = '(memory (export "memory") 1 1)', imports = ''): Uint8Array<ArrayBuffer> {
  const m = binaryen.parseText(`(module ${imports} ${memory} ${body})`);
  try {
    return new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
}
const INPUT_PTR = '(func (export "inputPtr") (param i32) (result i32) (i32.const 0))';
const run = (module: Uint8Array<ArrayBuffer>, input = new Uint8Array(4), fuel = FUEL) =>
  executeModule({ module, moduleHash: keccak256(module), input, fuel });
const refused = (f: () => unknown, cls: typeof InputError | typeof ExecutionError, field: string, reason: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof cls && e.field === field && reason.test(e.reason));

describe('the inference kernel in WebAssembly', () => {
  const { wasm, hash } = kernelModule('inference');

  it('gives the plain-JavaScript kernel’s bytes, and the same bytes, hash and fuel on every run', () => {
    const input = inferenceInput(SHAPE, mulberry32(3));
    const a = executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });
    const b = executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });
    assert.deepEqual(a.output, inferenceJs(input));
    assert.equal(a.output.length, SHAPE.batch * (SHAPE.nOut + 1));
    assert.equal(a.outputHash, keccak256(a.output));
    assert.deepEqual(b, a);
    assert.ok(a.fuelUsed > BigInt(SHAPE.batch * SHAPE.nHidden * SHAPE.nIn), `fuel ${a.fuelUsed}`);
    // a different input gives a different result
    const other = executeModule({
      module: wasm,
      moduleHash: hash,
      input: inferenceInput(SHAPE, mulberry32(4)),
      fuel: FUEL,
    });
    assert.notEqual(other.outputHash, a.outputHash);
  });

  it('stops exactly at its budget: the fuel it used is enough, one unit less is not', () => {
    const input = inferenceInput(SHAPE, mulberry32(5));
    const { fuelUsed, outputHash } = executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });
    assert.equal(executeModule({ module: wasm, moduleHash: hash, input, fuel: fuelUsed }).outputHash, outputHash);
    refused(
      () => executeModule({ module: wasm, moduleHash: hash, input, fuel: fuelUsed - 1n }),
      ExecutionError,
      'fuel',
      /ran out of fuel/,
    );
  });

  it('traps on an input whose header does not describe its bytes, instead of reading past it', () => {
    const input = inferenceInput(SHAPE, mulberry32(6));
    refused(
      () => executeModule({ module: wasm, moduleHash: hash, input: input.subarray(0, input.length - 1), fuel: FUEL }),
      ExecutionError,
      'module',
      /trapped/,
    );
  });

  it('is the build of its source: the shipped wasm is what scripts/kernels.mjs compiles', () => {
    const script = fileURLToPath(new URL('../scripts/kernels.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});

describe('what the executor refuses', () => {
  it('a module that is not the one the job names', () => {
    const { wasm } = kernelModule('inference');
    refused(
      () =>
        executeModule({
          module: wasm,
          moduleHash: keccak256(new Uint8Array([1])),
          input: new Uint8Array(),
          fuel: FUEL,
        }),
      InputError,
      'moduleHash',
      /hashes to 0x/,
    );
  });

  it('bytes that are not WebAssembly, a module with imports, floats or SIMD, no bounded memory or missing exports', () => {
    refused(
      () => run(new Uint8Array([0, 97, 115, 109, 9, 9]) as Uint8Array<ArrayBuffer>),
      InputError,
      'module',
      /not a valid/,
    );
    const clock = wat(
      `${INPUT_PTR} (func (export "run") (param i32 i32) (result i32) (drop (call $now)) (i32.const 0))`,
      undefined,
      '(import "env" "now" (func $now (result i64)))',
    );
    refused(() => run(clock), InputError, 'module', /imports env\.now: a job module may import nothing/);
    const float = wat(`${INPUT_PTR}
      (func (export "run") (param i32 i32) (result i32) (i32.trunc_f64_s (f64.div (f64.const 1) (f64.const 3))))`);
    refused(() => run(float), InputError, 'module', /uses f64 values/);
    const simd = wat(`${INPUT_PTR}
      (func (export "run") (param i32 i32) (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4)))`);
    refused(() => run(simd), InputError, 'module', /uses v128 values/);
    const unbounded = wat(
      `${INPUT_PTR} (func (export "run") (param i32 i32) (result i32) (i32.const 0))`,
      '(memory (export "memory") 1)',
    );
    refused(() => run(unbounded), InputError, 'module', /memory must declare a maximum/);
    const noRun = wat(INPUT_PTR);
    refused(() => run(noRun), InputError, 'module', /must export function "run"/);
  });

  it('a loop that never ends: it runs out of fuel instead of hanging the node', () => {
    const spin = wat(`${INPUT_PTR} (func (export "run") (param i32 i32) (result i32) (loop $l (br $l)) (i32.const 0))`);
    refused(
      () => run(spin, new Uint8Array(4), 1_000_000n),
      ExecutionError,
      'fuel',
      /ran out of fuel \(1000000 units\)/,
    );
  });

  it('a kernel that grows its memory past the declared maximum, or answers outside its memory', () => {
    const grow = wat(
      `${INPUT_PTR} (func (export "run") (param i32 i32) (result i32)
        (if (i32.lt_s (memory.grow (i32.const 2)) (i32.const 0)) (then unreachable)) (i32.const 0))`,
      '(memory (export "memory") 1 2)',
    );
    refused(() => run(grow), ExecutionError, 'module', /trapped/);
    const outside = wat(`${INPUT_PTR} (func (export "run") (param i32 i32) (result i32) (i32.const 65534))`);
    refused(() => run(outside), ExecutionError, 'module', /outside its memory/);
    const tooLong = wat(`${INPUT_PTR} (func (export "run") (param i32 i32) (result i32)
        (i32.store (i32.const 0) (i32.const 70000)) (i32.const 0))`);
    refused(() => run(tooLong), ExecutionError, 'module', /past the end of its memory/);
  });

  it('a kernel that recurses without end, a module using threads, a module too big', () => {
    const deep = wat(
      `${INPUT_PTR} (func $f (param i32) (result i32) (call $f (local.get 0)))
       (func (export "run") (param i32 i32) (result i32) (call $f (i32.const 0)))`,
    );
    refused(() => run(deep), ExecutionError, 'module', /overflowed the call stack/);
    const shared = wat(
      `${INPUT_PTR} (func (export "run") (param i32 i32) (result i32) (i32.const 0))`,
      '(memory (export "memory") 1 1 shared)',
    );
    refused(() => run(shared), InputError, 'module', /features a job may not/);
    const big = new Uint8Array(16 * 2 ** 20 + 1);
    refused(() => run(big), InputError, 'module', /at most 16777216 bytes/);
  });

  it('a budget that is not a positive bigint', () => {
    const { wasm, hash } = kernelModule('inference');
    for (const fuel of [0n, -1n, 2n ** 63n, 5 as unknown as bigint])
      refused(
        () => executeModule({ module: wasm, moduleHash: hash, input: new Uint8Array(), fuel }),
        InputError,
        'fuel',
        /bigint/,
      );
  });
});
