// Runs a job's module on its input: the module is checked against the content hash the job names, metered
// (meter.ts), given its input and run once with a fuel budget. The result and its hash are what a node commits; the same
// module, input and budget give the same bytes, hash and fuel on every node.
import { GreenhourError, InputError } from '@greenhour/errors';
import { keccak256, type Hex } from 'viem';
import { DEFAULT_MAX_MEMORY_PAGES, FUEL_IMPORT, meterModule } from './meter.ts';

export interface ExecuteParameters {
  /** The job's WebAssembly module as fetched. */
  module: Uint8Array<ArrayBuffer>;
  /** keccak256 of the module, as the job names it. */
  moduleHash: Hex;
  input: Uint8Array;
  /** Fuel units the run may use: one per function call and loop iteration (meter.ts). */
  fuel: bigint;
  maxMemoryPages?: number;
}

export interface ExecuteReturnType {
  output: Uint8Array;
  outputHash: Hex;
  fuelUsed: bigint;
}

/** A run that did not finish: `field` is `fuel` when the budget ran out, `module` when the kernel trapped. */
export class ExecutionError extends GreenhourError {}

const MAX_FUEL = 2n ** 62n;
/** Metered, compiled modules kept by content hash and memory limit: a node runs many shards of one job's module. */
const CACHED_MODULES = 32;
const compiled = new Map<string, WebAssembly.Module>();

function meteredModule(module: Uint8Array<ArrayBuffer>, hash: Hex, maxMemoryPages: number): WebAssembly.Module {
  const key = `${hash}:${maxMemoryPages}`;
  let m = compiled.get(key);
  if (m === undefined) {
    m = new WebAssembly.Module(meterModule(module, maxMemoryPages));
    if (compiled.size >= CACHED_MODULES) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, m);
  }
  return m;
}

/** Forgets the metered modules (the bench measures a first run with it). */
export function clearModuleCache(): void {
  compiled.clear();
}

interface JobExports {
  memory: WebAssembly.Memory;
  inputPtr(len: number): number;
  run(ptr: number, len: number): number;
}

export function executeModule({
  module,
  moduleHash,
  input,
  fuel,
  maxMemoryPages = DEFAULT_MAX_MEMORY_PAGES,
}: ExecuteParameters): ExecuteReturnType {
  if (typeof fuel !== 'bigint' || fuel <= 0n || fuel > MAX_FUEL)
    throw new InputError('fuel', `must be a bigint from 1 to 2^62, got ${String(fuel)}`);
  if (input.length > 0x7fff_ffff) throw new InputError('input', `at most 2 GiB, got ${input.length} bytes`);
  const hash = keccak256(module);
  if (hash !== moduleHash.toLowerCase())
    throw new InputError('moduleHash', `the module hashes to ${hash}, not ${moduleHash}`);
  const metered = meteredModule(module, hash, maxMemoryPages);
  const budget = new WebAssembly.Global({ value: 'i64', mutable: true }, fuel);
  const left = () => budget.value as bigint;
  let output: Uint8Array;
  try {
    // the start function, if any, runs here on the same budget
    const x = new WebAssembly.Instance(metered, { [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: budget } })
      .exports as unknown as JobExports;
    const ptr = x.inputPtr(input.length) >>> 0;
    new Uint8Array(x.memory.buffer).set(input, ptr);
    const out = x.run(ptr, input.length) >>> 0;
    const view = new DataView(x.memory.buffer);
    if (out + 4 > view.byteLength) throw new ExecutionError('module', `run returned ${out}, outside its memory`);
    const len = view.getUint32(out, true);
    if (out + 4 + len > view.byteLength)
      throw new ExecutionError('module', `run returned ${len} bytes at ${out}, past the end of its memory`);
    output = new Uint8Array(x.memory.buffer, out + 4, len).slice();
  } catch (e) {
    if (e instanceof ExecutionError) throw e;
    if (e instanceof WebAssembly.RuntimeError) {
      if (left() < 0n) throw new ExecutionError('fuel', `ran out of fuel (${fuel} units)`, { cause: e });
      throw new ExecutionError('module', `the kernel trapped: ${e.message}`, { cause: e });
    }
    // V8 reports a WebAssembly stack overflow as a RangeError; the depth it allows is the engine's, so a kernel must
    // not recurse that deep
    if (e instanceof RangeError)
      throw new ExecutionError('module', `the kernel overflowed the call stack: ${e.message}`, { cause: e });
    throw e;
  }
  return { output, outputHash: keccak256(output), fuelUsed: fuel - left() };
}
