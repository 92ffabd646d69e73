// PV model validation against NREL PVWatts (pvlib test data). Prints the metrics; with --write
// also replaces the "## PV model validation" section of /work/main/BENCHMARKS.md.
import { validatePvwatts } from '../src/pv/validation.ts';
import { updateSection } from './benchmarksMd.ts';

const t0 = performance.now();
const v = validatePvwatts();
const ms = performance.now() - t0;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const body = `Command: \`npm run validate-pv -w packages/energy -- --write\` (= \`node --import tsx packages/energy/bench/pv-validation.ts --write\`).
Asserted by \`packages/energy/src/pv/validation.test.ts\` (|annual error| < 3 %, hourly nRMSE < 5 %, |NMBE| < 2 %).

Reference: \`data/pv/pvwatts_8760_rackmount.csv\` (NREL PVWatts v5, 4 kWdc open rack, tilt 20, azimuth 180,
14.08 % losses, 96 % inverter, DC/AC 1.2, Golden CO, TMY). The model is driven by the file's own beam (DNI),
diffuse (DHI), air temperature and wind; GHI = DNI cos z + DHI; sun at mid-hour, UTC-7 (local standard time).
Chain: NOAA/Meeus solar position -> Hay-Davies transposition -> physical IAM on beam -> SAPM cell temperature
-> PVWatts v5 DC (gamma -0.47 %/C) and inverter (Dobos 2014). The file's POA and cell temperature are used
only for the diagnostics below.

| metric | value |
| --- | --- |
| hours | ${v.hours} |
| annual AC energy, PVWatts | ${(v.referenceAcWh / 1000).toFixed(1)} kWh |
| annual AC energy, this model | ${(v.modelAcWh / 1000).toFixed(1)} kWh |
| annual AC error | ${pct(v.annualError)} (goal within 3 %) |
| hourly RMSE, all 8,760 h | ${v.rmseW.toFixed(1)} W (on a 3,333 W AC inverter) |
| hourly nRMSE (RMSE / mean AC of producing hours) | ${pct(v.nrmse)} |
| hourly RMSE, producing hours only | ${v.rmseDaylightW.toFixed(1)} W |
| NMBE (mean bias / mean AC of producing hours) | ${pct(v.nmbe)} |
| annual POA irradiance error (Hay-Davies vs PVWatts' Perez) | ${pct(v.poaAnnualError)} |
| annual DC energy error | ${pct(v.dcAnnualError)} |
| mean cell temperature bias (SAPM vs PVWatts), sunlit hours | ${v.cellTempBiasC.toFixed(2)} C |

Run time ${ms.toFixed(0)} ms. Most of the remaining bias is the sky-diffuse model (Hay-Davies here, Perez 1990 in
PVWatts); the cell-temperature model (SAPM here, PVWatts' Fuentes-based model) adds a fraction of a degree.
`;
console.log(body);
if (process.argv.includes('--write')) {
  updateSection('## PV model validation', body);
  console.error('updated BENCHMARKS.md section "## PV model validation"');
}
