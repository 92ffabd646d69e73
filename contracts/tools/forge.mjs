#!/usr/bin/env node
// Runs forge and exits with forge's own status. The npm package's launcher (@foundry-rs/forge bin.mjs, 1.7.1) spawns
// the binary but never passes its exit status on, so `npx forge test` exits 0 with failing tests, `forge snapshot
// --check` with a changed snapshot and `forge fmt --check` with unformatted code; every script of the project calls
// forge through this file instead. The binary is the platform package the launcher itself would pick.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
const exe = process.platform === 'win32' ? 'forge.exe' : 'forge';
let binary;
try {
  binary = require.resolve(`@foundry-rs/forge-${process.platform}-${arch}/bin/${exe}`);
} catch {
  binary = undefined;
}
if (binary === undefined || !existsSync(binary)) {
  console.error(`forge: no binary for ${process.platform}-${process.arch} (is @foundry-rs/forge installed?)`);
  process.exit(1);
}
const run = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
if (run.error) {
  console.error(`forge: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
