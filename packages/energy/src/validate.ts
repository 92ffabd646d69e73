import { PV_ARRAY_TYPES } from './pv/arrayTypes.ts';
import { SITE_TYPES, type SiteConfig, type TariffConfig } from './types.ts';

function fail(path: string, reason: string): never {
  throw new Error(`${path}: ${reason}`);
}

function finite(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a finite number, got ${String(v)}`);
  return v;
}
function nonNeg(path: string, v: unknown): number {
  const x = finite(path, v);
  if (x < 0) fail(path, `must be >= 0, got ${x}`);
  return x;
}
function positive(path: string, v: unknown): number {
  const x = finite(path, v);
  if (x <= 0) fail(path, `must be > 0, got ${x}`);
  return x;
}
function inRange(path: string, v: unknown, lo: number, hi: number, loOpen = false): number {
  const x = finite(path, v);
  if (x > hi || (loOpen ? x <= lo : x < lo)) fail(path, `must be in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${x}`);
  return x;
}
function efficiency(path: string, v: unknown): number {
  const x = finite(path, v);
  if (x > 1) fail(path, `efficiency must be <= 1, got ${x}`);
  if (x <= 0) fail(path, `efficiency must be > 0, got ${x}`);
  return x;
}

function validateTariff(t: TariffConfig, p: string): void {
  if (t.importBasis !== 'tou' && t.importBasis !== 'wholesale')
    fail(`${p}.importBasis`, `unknown basis ${t.importBasis}`);
  if (t.exportBasis !== 'fixed' && t.exportBasis !== 'wholesale')
    fail(`${p}.exportBasis`, `unknown basis ${t.exportBasis}`);
  finite(`${p}.baseUsdPerKwh`, t.baseUsdPerKwh);
  finite(`${p}.wholesaleAdderUsdPerKwh`, t.wholesaleAdderUsdPerKwh);
  finite(`${p}.exportUsdPerKwh`, t.exportUsdPerKwh);
  finite(`${p}.exportWholesaleFactor`, t.exportWholesaleFactor);
  nonNeg(`${p}.demandChargeUsdPerKwMonth`, t.demandChargeUsdPerKwMonth);
  nonNeg(`${p}.fixedUsdPerMonth`, t.fixedUsdPerMonth);
  if (!Array.isArray(t.touPeriods)) fail(`${p}.touPeriods`, 'must be an array');
  t.touPeriods.forEach((q, i) => {
    inRange(`${p}.touPeriods[${i}].startHour`, q.startHour, 0, 24);
    inRange(`${p}.touPeriods[${i}].endHour`, q.endHour, 0, 24);
    finite(`${p}.touPeriods[${i}].usdPerKwh`, q.usdPerKwh);
  });
}

/** Validate a site; throws Error("<field path>: <reason>") on the first problem. */
export function validateSite(site: SiteConfig, path = 'site'): void {
  if (site === null || typeof site !== 'object') fail(path, 'must be an object');
  if (!(SITE_TYPES as readonly string[]).includes(site.type)) {
    fail(`${path}.type`, `unknown site type ${JSON.stringify(site.type)} (expected ${SITE_TYPES.join(', ')})`);
  }
  if (!Array.isArray(site.pv)) fail(`${path}.pv`, 'must be an array');
  site.pv.forEach((a, i) => {
    const p = `${path}.pv[${i}]`;
    nonNeg(`${p}.dcCapacityW`, a.dcCapacityW);
    inRange(`${p}.tiltDeg`, a.tiltDeg, 0, 90);
    inRange(`${p}.azimuthDeg`, a.azimuthDeg, 0, 360);
    inRange(`${p}.gammaPdcPerC`, a.gammaPdcPerC, -0.02, 0);
    inRange(`${p}.systemLossFraction`, a.systemLossFraction, 0, 0.99);
    positive(`${p}.dcAcRatio`, a.dcAcRatio);
    efficiency(`${p}.inverterEfficiencyNominal`, a.inverterEfficiencyNominal);
    inRange(`${p}.albedo`, a.albedo, 0, 1);
    if (!(PV_ARRAY_TYPES as readonly string[]).includes(a.mounting)) {
      fail(`${p}.mounting`, `unknown array type ${JSON.stringify(a.mounting)} (expected ${PV_ARRAY_TYPES.join(', ')})`);
    }
    if (a.sapmThermal !== undefined) {
      // King et al. 2004 table 1 spans a -3.62..-2.81, b -0.079..-0.0455, dT 0..3
      inRange(`${p}.sapmThermal.a`, a.sapmThermal.a, -10, 0);
      inRange(`${p}.sapmThermal.b`, a.sapmThermal.b, -1, 0);
      inRange(`${p}.sapmThermal.deltaTC`, a.sapmThermal.deltaTC, 0, 20);
    }
    if (a.gcr !== undefined) inRange(`${p}.gcr`, a.gcr, 0, 1, true);
  });
  const b = site.battery;
  if (b !== undefined) {
    const p = `${path}.battery`;
    positive(`${p}.capacityWh`, b.capacityWh);
    nonNeg(`${p}.maxChargeW`, b.maxChargeW);
    nonNeg(`${p}.maxDischargeW`, b.maxDischargeW);
    efficiency(`${p}.chargeEfficiency`, b.chargeEfficiency);
    efficiency(`${p}.dischargeEfficiency`, b.dischargeEfficiency);
    inRange(`${p}.minSoc`, b.minSoc, 0, 1);
    inRange(`${p}.maxSoc`, b.maxSoc, 0, 1);
    if (b.minSoc >= b.maxSoc) fail(`${p}.minSoc`, `must be < maxSoc (${b.maxSoc}), got ${b.minSoc}`);
    inRange(`${p}.initialSoc`, b.initialSoc, b.minSoc, b.maxSoc);
    nonNeg(`${p}.degradationUsdPerKwh`, b.degradationUsdPerKwh);
  }
  const ev = site.ev;
  if (ev !== undefined) {
    const p = `${path}.ev`;
    if (!Number.isInteger(ev.count) || ev.count < 0) fail(`${p}.count`, `must be an integer >= 0, got ${ev.count}`);
    positive(`${p}.powerW`, ev.powerW);
    nonNeg(`${p}.sessionsPerChargerPerDay`, ev.sessionsPerChargerPerDay);
    positive(`${p}.meanSessionEnergyWh`, ev.meanSessionEnergyWh);
    positive(`${p}.meanDwellHours`, ev.meanDwellHours);
    if (ev.sessionsPerChargerPerDay * ev.meanDwellHours >= 24) {
      // otherwise the per-charger queue grows without bound
      fail(
        `${p}.sessionsPerChargerPerDay`,
        `sessions x dwell must be < 24 h per charger-day, got ${ev.sessionsPerChargerPerDay * ev.meanDwellHours}`,
      );
    }
    nonNeg(`${p}.chargePriceUsdPerKwh`, ev.chargePriceUsdPerKwh);
    nonNeg(`${p}.unmetPenaltyUsdPerKwh`, ev.unmetPenaltyUsdPerKwh);
    if (!Number.isInteger(ev.seed)) fail(`${p}.seed`, `must be an integer, got ${ev.seed}`);
  }
  const g = site.gpu;
  if (g !== undefined) {
    const p = `${path}.gpu`;
    if (!Number.isInteger(g.count) || g.count < 0) fail(`${p}.count`, `must be an integer >= 0, got ${g.count}`);
    nonNeg(`${p}.idleW`, g.idleW);
    nonNeg(`${p}.busyW`, g.busyW);
    if (g.busyW < g.idleW) fail(`${p}.busyW`, `must be >= idleW (${g.idleW}), got ${g.busyW}`);
    const pue = finite(`${p}.pue`, g.pue);
    if (pue < 1) fail(`${p}.pue`, `must be >= 1, got ${pue}`);
    nonNeg(`${p}.revenueUsdPerGpuHour`, g.revenueUsdPerGpuHour);
    nonNeg(`${p}.unmetPenaltyUsdPerGpuHour`, g.unmetPenaltyUsdPerGpuHour);
    inRange(`${p}.demandUtilization`, g.demandUtilization, 0, 1);
    if (!['alibaba', 'google', 'flat'].includes(g.demandTrace)) fail(`${p}.demandTrace`, `unknown ${g.demandTrace}`);
    if (!Number.isInteger(g.deadlineHours) || g.deadlineHours < 1) {
      fail(`${p}.deadlineHours`, `must be an integer >= 1, got ${g.deadlineHours}`);
    }
  }
  if (site.baseLoad === undefined) fail(`${path}.baseLoad`, 'missing');
  nonNeg(`${path}.baseLoad.meanW`, site.baseLoad.meanW);
  if (!['flat', 'household', 'commercial'].includes(site.baseLoad.profile)) {
    fail(`${path}.baseLoad.profile`, `unknown ${site.baseLoad.profile}`);
  }
  positive(`${path}.gridLimitW`, site.gridLimitW);
  if (g !== undefined && g.pue * g.count * g.idleW + site.baseLoad.meanW > site.gridLimitW) {
    // at night neither PV nor (eventually) the battery helps: the grid must carry the always-on load
    fail(
      `${path}.gridLimitW`,
      `must cover the always-on load (GPU idle x PUE + mean base load), got ${site.gridLimitW}`,
    );
  }
  if (site.tariff === undefined) fail(`${path}.tariff`, 'missing');
  validateTariff(site.tariff, `${path}.tariff`);
  nonNeg(`${path}.carbonPriceUsdPerTonne`, site.carbonPriceUsdPerTonne);
}
