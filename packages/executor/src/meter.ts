// What makes a job's WebAssembly module safe to run and its result the same on every node: it may import nothing (no
// clock, no randomness, no host calls), use no floating point or SIMD (NaN bit patterns and relaxed SIMD differ between
// engines), declare a bounded memory, and it is metered. Metering uses Binaryen's `log-execution` pass, which puts a
// call at every function entry and every loop header; that call becomes one unit of fuel taken from a global the
// module imports, with a trap when none is left, and the optimizer inlines it. A loop body without inner loops runs a
// bounded number of instructions, so fuel bounds the work up to the largest straight-line body.
import binaryen from 'binaryen';
import { InputError } from '@greenhour/errors';

/** The global the metered module imports as its fuel left (i64, mutable): the host creates it with the budget and
 * reads it after the run, also when a start function trapped and there is no instance. */
export const FUEL_IMPORT = { module: '__greenhour', name: 'fuel' } as const;
/** What a job module must export: its memory, a function reserving the input's bytes, and the kernel. */
export const REQUIRED_EXPORTS = { memory: 'memory', inputPtr: 'function', run: 'function' } as const;
/** Most memory a job may declare, 64 KiB pages (1,024 = 64 MiB). */
export const DEFAULT_MAX_MEMORY_PAGES = 1024;
/** Largest module accepted, bytes (the reference kernels are about a kilobyte). */
export const MAX_MODULE_BYTES = 16 * 2 ** 20;
/** The WebAssembly features a job may use: all deterministic (no threads, no SIMD, no exceptions). */
const FEATURES = ['MVP', 'MutableGlobals', 'SignExt', 'BulkMemory', 'BulkMemoryOpt'] as const;

/** The fuel global's name inside the module (names are local to it). */
const FUEL_GLOBAL = '__greenhour_fuel';
const NONDETERMINISTIC = /\b(f32|f64|v128)\b/;

/**
 * Checks a job module and returns it metered: the same module, importing the fuel global (FUEL_IMPORT), with its
 * checks. Throws InputError (`module`) naming the rule a module breaks.
 */
export function meterModule(
  wasm: Uint8Array<ArrayBuffer>,
  maxMemoryPages = DEFAULT_MAX_MEMORY_PAGES,
): Uint8Array<ArrayBuffer> {
  if (wasm.length > MAX_MODULE_BYTES)
    throw new InputError('module', `at most ${MAX_MODULE_BYTES} bytes, got ${wasm.length}`);
  if (!WebAssembly.validate(wasm)) throw new InputError('module', 'not a valid WebAssembly module');
  const compiled = new WebAssembly.Module(wasm);
  const imports = WebAssembly.Module.imports(compiled);
  if (imports.length > 0)
    throw new InputError(
      'module',
      `imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}: a job module may import nothing (no clock, no randomness, no host calls)`,
    );
  const exports = new Map(WebAssembly.Module.exports(compiled).map((e) => [e.name, e.kind]));
  for (const [name, kind] of Object.entries(REQUIRED_EXPORTS))
    if (exports.get(name) !== kind) throw new InputError('module', `must export ${kind} "${name}"`);

  const m = binaryen.readBinary(wasm);
  try {
    const memory = m.getMemoryInfo();
    if (memory.max === undefined || memory.max > maxMemoryPages)
      throw new InputError(
        'module',
        `memory must declare a maximum of at most ${maxMemoryPages} pages of 64 KiB, declares ${memory.max ?? 'none'}`,
      );
    m.runPasses(['strip-debug']);
    // data segments are printed as quoted strings: only instructions and types are looked at
    const code = m.emitText().replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const float = NONDETERMINISTIC.exec(code);
    if (float) throw new InputError('module', `uses ${float[1]} values: a job kernel must be integer-only`);

    m.setFeatures(FEATURES.reduce<number>((f, name) => f | binaryen.Features[name], 0) as binaryen.Features);
    if (!m.validate())
      throw new InputError('module', `uses WebAssembly features a job may not (allowed: ${FEATURES.join(', ')})`);

    m.runPasses(['log-execution']);
    m.addGlobalImport(FUEL_GLOBAL, FUEL_IMPORT.module, FUEL_IMPORT.name, binaryen.i64, true);
    const left = () => m.global.get(FUEL_GLOBAL, binaryen.i64);
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
      if (f.module !== 'env' || f.base !== 'log_execution') continue;
      // the pass's import becomes one unit of fuel, taken here, with a trap when none is left
      m.removeFunction(f.name);
      m.addFunction(
        f.name,
        binaryen.createType([binaryen.i32]),
        binaryen.none,
        [],
        m.block(null, [
          m.global.set(FUEL_GLOBAL, m.i64.sub(left(), m.i64.const(1n))),
          m.if(m.i64.lt_s(left(), m.i64.const(0n)), m.unreachable()),
        ]),
      );
      break;
    }
    if (!m.validate()) throw new Error('metering produced an invalid module');
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    m.optimize();
    return new Uint8Array(m.emitBinary());
  } finally {
    m.dispose();
  }
}
