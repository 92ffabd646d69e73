// PV model validation against NREL PVWatts (pvlib test data, SSC regression values). Prints the metrics;
// with --write also replaces the "## PV model validation" section of this checkout's BENCHMARKS.md.
import { buildSiteYear } from '../src/inputs.ts';
import { SAPM_CLOSE_MOUNT_GLASS_GLASS, SAPM_OPEN_RACK_GLASS_POLYMER } from '../src/pv/cellTemperature.ts';
import { defaultSite } from '../src/sites.ts';
import { SITE_TYPES, type SiteConfig } from '../src/types.ts';
import { listZones } from '../src/data.ts';

import { validateSscPvwattsV5 } from '../src/pv/sscValidation.ts';
import { PVWATTS_FILE, PVWATTS_ROOF_FILE, validatePvwatts, type PvValidation } from '../src/pv/validation.ts';
import { updateSection } from './benchmarksMd.ts';

const ZONES = listZones();

const t0 = performance.now();
const rack = validatePvwatts(PVWATTS_FILE);
const roof = validatePvwatts(PVWATTS_ROOF_FILE);
const ms = performance.now() - t0;
const rackQs = validatePvwatts(PVWATTS_FILE, { quasiSteadyCellTemperature: true });
const roofQs = validatePvwatts(PVWATTS_ROOF_FILE, { quasiSteadyCellTemperature: true });
const rackSapm = validatePvwatts(PVWATTS_FILE, { sapmThermal: SAPM_OPEN_RACK_GLASS_POLYMER });
const roofSapm = validatePvwatts(PVWATTS_ROOF_FILE, { sapmThermal: SAPM_CLOSE_MOUNT_GLASS_GLASS });
const t1 = performance.now();
const ssc = validateSscPvwattsV5();
const msSsc = performance.now() - t1;

// default sites' annual PV: this model vs the SAPM coefficients every site used before issue 12
const sitePv = (z: string, s: SiteConfig) => buildSiteYear(z, s).pvWh.reduce((a, b) => a + b, 0);
const siteRows = SITE_TYPES.map((t) => {
  const changes = ZONES.map((z) => {
    const s = defaultSite(t, z);
    const before = {
      ...s,
      pv: s.pv.map((a) => ({
        ...a,
        sapmThermal: a.mounting === 'roof_mount' ? SAPM_CLOSE_MOUNT_GLASS_GLASS : SAPM_OPEN_RACK_GLASS_POLYMER,
      })),
    };
    return sitePv(z, s) / sitePv(z, before) - 1;
  });
  return `| ${t} (${defaultSite(t, 'DE-LU').pv[0]!.mounting}) | ${changes.map((c) => `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)} %`).join(' | ')} |`;
});

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const kwh = (wh: number) => `${(wh / 1000).toFixed(1)} kWh`;
const row = (label: string, f: (v: PvValidation) => string) => `| ${label} | ${f(rack)} | ${f(roof)} |`;
const body = `Command: \`npm run validate-pv -w packages/energy -- --write\` (= \`node --import tsx packages/energy/bench/pv-validation.ts --write\`).
Asserted by \`packages/energy/src/pv/validation.test.ts\` (|annual error| < 3 %, hourly nRMSE < 5 %, |NMBE| < 2 %,
|cell temperature bias| < 0.5 C per file; SSC annual values within 3 % per array type).

**Hour by hour, PVWatts 8760 files.** \`data/pv/pvwatts_8760_rackmount.csv\` and \`data/pv/pvwatts_8760_roofmount.csv\`
(NREL PVWatts v5 web output from pvlib's tests/data: 4 kWdc, tilt 20, azimuth 180, 14.08 % losses, 96 % inverter,
DC/AC 1.2, Golden CO, TMY; "Fixed (open rack)" and "Fixed (roof mount)"). Everything about the system is read from
each file's header (\`parsePvwattsHeader\`, which rejects a header it does not understand). The model is driven by
the file's own beam (DNI), diffuse (DHI), air temperature and wind; GHI = DNI cos z + DHI; sun at mid-hour, UTC-7
(local standard time). Chain: NOAA/Meeus solar position -> surface (fixed or tracker) -> Hay-Davies transposition ->
physical IAM on beam -> PVWatts v5 cell temperature (Fuentes heat balance, INOCT 45 C open rack / 49 C roof mount,
state carried hour to hour) -> PVWatts v5 DC (gamma -0.47 %/C) and inverter (Dobos 2014). The files' POA and cell
temperature are used only for the diagnostics below.

| metric | open rack | roof mount |
| --- | --- | --- |
${row('annual AC energy, PVWatts', (v) => kwh(v.referenceAcWh))}
${row('annual AC energy, this model', (v) => kwh(v.modelAcWh))}
${row('annual AC error (goal within 3 %)', (v) => pct(v.annualError))}
${row('hourly RMSE, all 8,760 h (3,333 W AC inverter)', (v) => `${v.rmseW.toFixed(1)} W`)}
${row('hourly nRMSE (RMSE / mean AC of producing hours; goal < 5 %)', (v) => pct(v.nrmse))}
${row('hourly RMSE, producing hours only', (v) => `${v.rmseDaylightW.toFixed(1)} W`)}
${row('NMBE (mean bias / mean AC of producing hours)', (v) => pct(v.nmbe))}
${row("annual POA irradiance error (Hay-Davies vs PVWatts' Perez)", (v) => pct(v.poaAnnualError))}
${row('annual DC energy error', (v) => pct(v.dcAnnualError))}
${row('mean cell temperature bias vs PVWatts, sunlit hours', (v) => `${v.cellTempBiasC.toFixed(2)} C`)}

Both files in ${ms.toFixed(0)} ms. Diagnostics with other cell-temperature choices, same files:

| cell temperature model | open rack: annual AC error / cell bias | roof mount: annual AC error / cell bias |
| --- | --- | --- |
| PVWatts, each hour without thermal history (as \`simulateYear\` and the agent evaluate it) | ${pct(rackQs.annualError)} / ${rackQs.cellTempBiasC.toFixed(2)} C | ${pct(roofQs.annualError)} / ${roofQs.cellTempBiasC.toFixed(2)} C |
| SAPM, open rack glass/polymer (open rack) and close-mount glass/glass (roof): the model before issue 12 | ${pct(rackSapm.annualError)} / ${rackSapm.cellTempBiasC.toFixed(2)} C | ${pct(roofSapm.annualError)} / ${roofSapm.cellTempBiasC.toFixed(2)} C |

The SAPM close-mount coefficients run ~7 C hotter than PVWatts' roof mount: that was issue 12's "roof-mounted PV
about 6 % low". The remaining bias is mostly the sky-diffuse model (Hay-Davies here, Perez 1990 in PVWatts).

**Annual only, every array type: NREL SSC's PVWatts v5 regression values.** \`data/pv/ssc_pvwattsv5_phoenix_expected.json\`:
the annual AC energy SSC's own test (\`test/ssc_test/cmod_pvwattsv5_test.cpp\`, \`DifferentTechnologyInputs\`) expects
of \`cmod_pvwattsv5\` for a 4 kWdc system, tilt 20 (for the one-axis cases the axis tilt), azimuth 180, GCR 0.4,
14.08 % losses, 96 % inverter, DC/AC 1.2, on SSC's Phoenix TMY2 weather file (\`data/pv/ssc_phoenix_tmy2.csv\`).
SSC publishes annual totals only, so this is no hourly check.

| array type | SSC PVWatts v5 | this model | annual AC error (goal within 3 %) |
| --- | --- | --- | --- |
${ssc.map((c) => `| ${c.arrayType} | ${c.referenceKwh.toFixed(2)} kWh | ${c.modelKwh.toFixed(2)} kWh | ${pct(c.annualError)} |`).join('\n')}

Run time ${msSsc.toFixed(0)} ms. **Not validated hour by hour: one-axis, one-axis backtracking, two-axis.** No public
PVWatts 8760 output of a tracking array was found (pvlib's tests/data has the two fixed files; SSC's tests give annual
values only), so the 5 % hourly nRMSE goal is shown for the two fixed array types only. The tracker geometry itself is
checked against pvlib's \`test_tracking.py\` values (\`packages/energy/src/pv/tracking.test.ts\`).

**Effect on the default sites** (\`defaultSite\`, real 2023 zone weather): annual PV energy with the PVWatts cell
temperature against the SAPM coefficients used before issue 12. The site optimizer table below predates this change.

| site (array type) | ${ZONES.join(' | ')} |
| --- | ${ZONES.map(() => '---').join(' | ')} |
${siteRows.join('\n')}
`;
console.log(body);
if (process.argv.includes('--write')) {
  updateSection('## PV model validation', body);
  console.error('updated BENCHMARKS.md section "## PV model validation"');
}
