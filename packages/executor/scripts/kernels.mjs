#!/usr/bin/env node
// Compiles the reference job kernels (assembly/*.ts, AssemblyScript) to wasm/<name>.wasm with fixed options, so that a
// kernel's content hash is the same on every machine. `--check` compiles in memory and exits 1 if a shipped .wasm
// differs from its source's build (the test suite runs it), `--write` (default) writes them.
import asc from 'assemblyscript/asc';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// stub runtime: a bump allocator and no garbage collector (a job runs once); no asserts and abort as a trap, so the
// module imports nothing from its host
// a declared maximum of 1,024 pages (64 MiB): the executor refuses a module without one
const OPTIONS = ['-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--maximumMemory', '1024'];

async function compile(file) {
  let binary = null;
  const stderr = [];
  const { error } = await asc.main([join('assembly', file), ...OPTIONS, '-o', 'out.wasm'], {
    readFile: (name, baseDir) => {
      try {
        return readFileSync(join(ROOT, baseDir, name), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
    stderr: { write: (s) => stderr.push(String(s)) },
    stdout: { write: () => {} },
  });
  if (error) throw new Error(`${file}: ${error.message}\n${stderr.join('')}`);
  return binary;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const file of readdirSync(join(ROOT, 'assembly'))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const wasm = await compile(file);
  const out = join(ROOT, 'wasm', `${basename(file, '.ts')}.wasm`);
  if (check) {
    let shipped = null;
    try {
      shipped = readFileSync(out);
    } catch {}
    if (shipped === null || Buffer.compare(shipped, Buffer.from(wasm)) !== 0) {
      console.error(`${out}: differs from the build of assembly/${file}; run npm run kernels -w @greenhour/executor`);
      stale++;
    }
  } else {
    writeFileSync(out, wasm);
    console.log(`${out}: ${wasm.length} bytes`);
  }
}
process.exit(stale > 0 ? 1 : 0);
