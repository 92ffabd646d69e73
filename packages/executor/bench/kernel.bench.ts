// Bench: the reference inference kernel run by the executor (metered WebAssembly) against the same kernel in plain
// JavaScript in the same run (issue 16's goal: WebAssembly ≤ 1.5 × JavaScript), and the unmetered module to show what
// metering costs. Times are medians of RUNS runs after a warm-up; the executor's time includes checking, metering,
// compiling and instantiating the module. Prints the BENCHMARKS.md section on stdout.
// Run: npm run bench -w @greenhour/executor
import os from 'node:os';
import { mulberry32 } from '@greenhour/energy';
import { executeModule, inferenceInput, inferenceJs, kernelModule, meterModule, FUEL_IMPORT } from '../src/index.ts';

const SHAPE = { batch: 256, nIn: 784, nHidden: 256, nOut: 10, shift1: 12, shift2: 8 };
const RUNS = 7;
const FUEL = 10n ** 12n;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(label: string, f: () => void): number {
  f();
  const ms: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  console.error(`${label}: median ${median(ms).toFixed(1)} ms of ${RUNS}`);
  return median(ms);
}

const { wasm, hash } = kernelModule('inference');
const input = inferenceInput(SHAPE, mulberry32(42));
const js = inferenceJs(input);
let fuelUsed = 0n;
const jsMs = time('plain JavaScript', () => inferenceJs(input));
const execMs = time('executor (check, meter, compile, run)', () => {
  const r = executeModule({ module: wasm, moduleHash: hash, input, fuel: FUEL });
  if (Buffer.compare(Buffer.from(r.output), Buffer.from(js)) !== 0)
    throw new Error('WebAssembly and JavaScript differ');
  fuelUsed = r.fuelUsed;
});
// the kernel call alone, on instances made once: metered, and the module as compiled
const budget = new WebAssembly.Global({ value: 'i64', mutable: true }, FUEL);
const metered = new WebAssembly.Instance(new WebAssembly.Module(meterModule(wasm)), {
  [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: budget },
}).exports as unknown as { memory: WebAssembly.Memory; inputPtr(n: number): number; run(p: number, n: number): number };
const plain = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports as unknown as typeof metered;
const kernel = (x: typeof metered) => {
  const p = x.inputPtr(input.length);
  new Uint8Array(x.memory.buffer).set(input, p);
  return () => x.run(p, input.length);
};
const meteredRun = kernel(metered);
const plainRun = kernel(plain);
const meteredMs = time('metered kernel call', meteredRun);
const plainMs = time('unmetered kernel call', plainRun);

const macs = SHAPE.batch * (SHAPE.nIn * SHAPE.nHidden + SHAPE.nHidden * SHAPE.nOut);
const cpus = os.cpus();
const r = (x: number) => `${(x / jsMs).toFixed(2)} ×`;
console.log(`## Deterministic execution: the inference kernel (issue 16)

Command: \`npm run bench -w @greenhour/executor\` (\`packages/executor/bench/kernel.bench.ts\`). Machine: ${cpus.length} cores,
${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}. Medians of ${RUNS} runs after a warm-up, all in one run.

The int8 two-layer perceptron of \`packages/executor/assembly/inference.ts\` on a batch of ${SHAPE.batch} samples,
${SHAPE.nIn} → ${SHAPE.nHidden} → ${SHAPE.nOut} (${(macs / 1e6).toFixed(1)} M multiply-adds), against the same kernel in plain JavaScript
(\`inferenceJs\`, typed arrays, the baseline). Both give the same ${js.length} bytes. Fuel used: ${fuelUsed.toLocaleString('en-US')} units.

| run | ms | ÷ JavaScript |
| --- | ---: | ---: |
| plain JavaScript (baseline) | ${jsMs.toFixed(1)} | 1.00 × |
| executor: hash check, metering, compile, instantiate, run | ${execMs.toFixed(1)} | ${r(execMs)} |
| metered kernel call alone | ${meteredMs.toFixed(1)} | ${r(meteredMs)} |
| unmetered kernel call (the module as compiled) | ${plainMs.toFixed(1)} | ${r(plainMs)} |

Goal: WebAssembly ≤ 1.5 × JavaScript: ${execMs <= 1.5 * jsMs ? '**met**' : '**not met**'} for the whole executor run (${r(execMs)}), ${meteredMs <= 1.5 * jsMs ? '**met**' : '**not met**'} for the metered kernel (${r(meteredMs)}). Metering costs ${((meteredMs / plainMs - 1) * 100).toFixed(0)} % over the unmetered call.
`);
