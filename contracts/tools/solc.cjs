#!/usr/bin/env node
// Presents solc-js (npm `solc`) to forge as a native `solc` binary, so that contracts build offline:
// forge cannot download a compiler here. `--version` prints what forge parses; anything else is a
// standard-JSON compile of stdin, with imports resolved against --base-path, --include-path and node_modules.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}

const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && args[i + 1]) roots.push(path.resolve(args[++i]));
}
roots.push(path.resolve(__dirname, '..', '..', 'node_modules'));

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `solc.cjs: import not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
