// Writes docs/hour-market-curve.svg from the contract's own priceAt (see src/marketCurve.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { curveChart, readCurveSurface } from '../src/marketCurve.ts';

const out = fileURLToPath(new URL('../../../docs/hour-market-curve.svg', import.meta.url));
const surface = await readCurveSurface((line) => process.stderr.write(`${line}\n`));
writeFileSync(out, curveChart(surface) + '\n');
console.log(`wrote ${out}`);
