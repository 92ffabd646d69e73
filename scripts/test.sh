#!/usr/bin/env bash
# The README's test command. Build, static checks, contracts (unit, fuzz, invariant, gas snapshot check), then every
# TypeScript test (node's test runner). Exits non-zero on any failure: forge runs through contracts/tools/forge.mjs,
# since the npm launcher of forge exits 0 whatever forge's status.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== build (forge build + typed ABIs, dashboard) =="
npm run --silent build
echo "== typecheck =="
npx tsc -p tsconfig.json
npx tsc -p apps/dashboard/tsconfig.json
echo "== format =="
npx prettier --check --log-level warn --no-error-on-unmatched-pattern "packages/*/src/**/*.ts" "packages/*/bench/**/*.ts" "apps/*/src/**/*.ts" "apps/*/src/**/*.tsx" "apps/*/bench/**/*.ts" "packages/*/scripts/**/*.ts" "contracts/scripts/**/*.ts"
(cd contracts && node tools/forge.mjs fmt --check)
echo "== contracts: forge test (unit, fuzz, invariants) =="
(cd contracts && node tools/forge.mjs test --summary)
echo "== contracts: gas snapshot check =="
npm run --silent gas:check --workspace contracts
echo "== typescript tests =="
mapfile -t files < <(find packages apps -path '*/node_modules' -prune -o -name '*.test.ts' -print | sort)
node --import tsx --test --test-concurrency=1 --test-force-exit "${files[@]}"
