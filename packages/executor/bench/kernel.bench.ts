// Bench: each reference kernel run by the executor (metered WebAssembly) against the same kernel in plain JavaScript in
// the same run (issue 16's goal: WebAssembly ≤ 1.5 × JavaScript), and the unmetered module to show what metering
// costs. Times are medians of RUNS runs after a warm-up; the executor's time includes checking, metering, compiling and
// instantiating the module. Writes the demo scene's image to docs/bench/render-demo.png; prints the BENCHMARKS.md
// section on stdout, progress on stderr.
// Run: npm run bench -w @greenhour/executor
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@greenhour/energy';
import {
  clearModuleCache,
  DEMO_SCENE,
  executeModule,
  FUEL_IMPORT,
  inferenceInput,
  inferenceJs,
  kernelModule,
  meterModule,
  renderInput,
  renderJs,
  tilesOf,
  tilesToPng,
  trainInput,
  trainJs,
  type KernelName,
} from '../src/index.ts';

const RUNS = 7;
const FUEL = 10n ** 12n;
const PNG_PATH = fileURLToPath(new URL('../../../docs/bench/render-demo.png', import.meta.url));
const SCENE = { ...DEMO_SCENE, width: 512, height: 320 };
const CASES: { kernel: KernelName; what: string; input: Uint8Array; js: (input: Uint8Array) => Uint8Array }[] = [
  {
    kernel: 'inference',
    what: 'int8 perceptron, batch 256, 784 → 256 → 10 (52.0 M multiply-adds)',
    input: inferenceInput({ batch: 256, nIn: 784, nHidden: 256, nOut: 10, shift1: 12, shift2: 8 }, mulberry32(42)),
    js: inferenceJs,
  },
  {
    kernel: 'render',
    what: `the demo scene, one ${SCENE.width} × ${SCENE.height} tile (3 spheres, shadows)`,
    input: renderInput(SCENE, { x: 0, y: 0, w: SCENE.width, h: SCENE.height }),
    js: renderJs,
  },
  {
    kernel: 'train',
    what: 'linear model, 2,048 samples × 64 features, 10 epochs of SGD',
    input: trainInput({ samples: 2048, features: 64, epochs: 10, lrShift: 9 }, mulberry32(43)),
    js: trainJs,
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(label: string, f: () => void): number {
  f();
  const ms: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  console.error(`  ${label}: median ${median(ms).toFixed(1)} ms of ${RUNS}`);
  return median(ms);
}

type JobExports = { memory: WebAssembly.Memory; inputPtr(n: number): number; run(p: number, n: number): number };
/** The kernel call alone on an instance made once (the input written once; each call allocates only its output). */
function call(wasm: Uint8Array<ArrayBuffer>, input: Uint8Array): () => void {
  const budget = new WebAssembly.Global({ value: 'i64', mutable: true }, FUEL);
  const x = new WebAssembly.Instance(new WebAssembly.Module(wasm), {
    [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: budget },
  }).exports as unknown as JobExports;
  const p = x.inputPtr(input.length);
  new Uint8Array(x.memory.buffer).set(input, p);
  return () => void x.run(p, input.length);
}

const rows: string[] = [];
const verdicts: string[] = [];
for (const c of CASES) {
  console.error(`${c.kernel}: ${c.what}`);
  const { wasm, hash } = kernelModule(c.kernel);
  const expected = c.js(c.input);
  let fuelUsed = 0n;
  const jsMs = time('plain JavaScript', () => c.js(c.input));
  clearModuleCache();
  const t0 = performance.now();
  executeModule({ module: wasm, moduleHash: hash, input: c.input, fuel: FUEL });
  const firstMs = performance.now() - t0;
  console.error(`  executor, first run (checks, metering, compile): ${firstMs.toFixed(1)} ms`);
  const execMs = time('executor', () => {
    const r = executeModule({ module: wasm, moduleHash: hash, input: c.input, fuel: FUEL });
    if (Buffer.compare(Buffer.from(r.output), Buffer.from(expected)) !== 0)
      throw new Error(`${c.kernel}: WebAssembly and JavaScript differ`);
    fuelUsed = r.fuelUsed;
  });
  // the unmetered module has no fuel import; an unused import object is ignored
  const meteredMs = time('metered call', call(meterModule(wasm), c.input));
  const plainMs = time('unmetered call', call(wasm, c.input));
  const x = (ms: number) => `${(ms / jsMs).toFixed(2)} ×`;
  rows.push(
    `| ${c.kernel} | ${c.what} | ${fuelUsed.toLocaleString('en-US')} | ${jsMs.toFixed(1)} | ${firstMs.toFixed(1)} | ${execMs.toFixed(1)} (${x(execMs)}) | ${meteredMs.toFixed(1)} (${x(meteredMs)}) | ${plainMs.toFixed(1)} (${x(plainMs)}) | ${((meteredMs / plainMs - 1) * 100).toFixed(0)} % |`,
  );
  verdicts.push(`${c.kernel} ${execMs <= 1.5 * jsMs ? 'met' : '**not met**'} (${x(execMs)})`);
}

// the demo image, in tiles as nodes would render it
const { wasm, hash } = kernelModule('render');
const tiles = tilesOf(DEMO_SCENE.width, DEMO_SCENE.height, 64).map((tile) => ({
  tile,
  rgb: executeModule({ module: wasm, moduleHash: hash, input: renderInput(DEMO_SCENE, tile), fuel: FUEL }).output,
}));
writeFileSync(PNG_PATH, tilesToPng(DEMO_SCENE.width, DEMO_SCENE.height, tiles));
console.error(`image written to ${PNG_PATH}`);

const cpus = os.cpus();
console.log(`## Deterministic execution: the reference kernels (issue 16)

Command: \`npm run bench -w @greenhour/executor\` (\`packages/executor/bench/kernel.bench.ts\`). Machine: ${cpus.length} cores,
${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}. Medians of ${RUNS} runs after a warm-up, all in one run.
Each kernel's WebAssembly (AssemblyScript in \`packages/executor/assembly/\`) against the same kernel in plain
JavaScript (\`packages/executor/src/\`, typed arrays, the baseline); both give the same bytes, checked on every executor run.
"Executor" is the whole \`executeModule\` call with the module's metered build cached (hash check, instantiate, write
the input, run, read the result); its first run also checks, meters and compiles the module, once per module (a node
runs many shards of one job's module).

| kernel | work | fuel | JavaScript ms | executor, first run ms | executor ms (÷ JS) | metered call ms (÷ JS) | unmetered call ms (÷ JS) | metering adds |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Goal: WebAssembly ≤ 1.5 × JavaScript, for the whole executor run: ${verdicts.join(', ')}.
The demo scene as nodes render it, ${tiles.length} tiles of 64 × 64 stitched together: ![the demo scene](docs/bench/render-demo.png)
`);
