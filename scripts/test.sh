#!/usr/bin/env bash
# The README's test command. Contracts first (unit, fuzz, invariant, gas snapshot check), then every
# TypeScript test. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== build =="
npm run --silent build
echo "== typecheck =="
npx tsc -p tsconfig.json
echo "== contracts: forge test =="
(cd contracts && npx forge test)
echo "== contracts: gas snapshot check =="
npm run --silent gas:check --workspace contracts
echo "== typescript tests =="
mapfile -t files < <(find packages apps -path '*/node_modules' -prune -o -name '*.test.ts' -print | sort)
node --import tsx --test --test-concurrency=1 "${files[@]}"
