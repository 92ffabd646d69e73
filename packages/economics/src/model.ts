// The investment model: capex from the site's sizes, the year-1 revenue streams and grid costs from a
// simulated year of operation, then lifetime cash flows, NPV / IRR / payback / LCOE and a tornado.
// Everything here is pure; `run.ts` does the simulation.

import type { SiteConfig, YearResult } from '@greenhour/energy';
import type { InvestmentConfig, ModelId } from './config.ts';
import { MODEL_NAMES } from './config.ts';
import { discountedPaybackYears, irr, lcoe, npv, paybackYears } from './finance.ts';
import { costUsdc6, revenueUsdc6, sumUsdc6, type Usdc6 } from './money.ts';

// ------------------------------------------------------------------------------------------ capex

export type CapexCategory = 'pv' | 'battery' | 'compute' | 'ev' | 'grid' | 'soft' | 'incentive';

export interface CapexLine {
  id: string;
  label: string;
  category: CapexCategory;
  quantity: number;
  unit: string;
  unitCostUsdc6: Usdc6;
  totalUsdc6: Usdc6;
}

/** Physical sizes of the priced site, read from the energy site config. */
export interface SiteSizes {
  pvKwp: number;
  pvInverterKwAc: number;
  batteryKwh: number;
  batteryKw: number;
  gpuCount: number;
  evChargers: number;
  evChargerKw: number;
  gridLimitKw: number;
}

export function siteSizes(site: SiteConfig): SiteSizes {
  return {
    pvKwp: site.pv.reduce((s, a) => s + a.dcCapacityW, 0) / 1000,
    pvInverterKwAc: site.pv.reduce((s, a) => s + a.dcCapacityW / a.dcAcRatio, 0) / 1000,
    batteryKwh: (site.battery?.capacityWh ?? 0) / 1000,
    batteryKw: (site.battery?.maxDischargeW ?? 0) / 1000,
    gpuCount: site.gpu?.count ?? 0,
    evChargers: site.ev?.count ?? 0,
    evChargerKw: (site.ev?.powerW ?? 0) / 1000,
    gridLimitKw: site.gridLimitW / 1000,
  };
}

function line(
  id: string,
  label: string,
  category: CapexCategory,
  quantity: number,
  unit: string,
  unitCost: Usdc6,
): CapexLine {
  return {
    id,
    label,
    category,
    quantity,
    unit,
    unitCostUsdc6: unitCost,
    totalUsdc6: costUsdc6(quantity * Number(unitCost)),
  };
}

/** Every capex line for the site; lines with zero quantity are kept out. Costs rounded up. */
export function capexLines(config: InvestmentConfig, sizes: SiteSizes): CapexLine[] {
  const c = config.capex;
  const hasCompute = sizes.gpuCount > 0;
  const hw = [
    line('pv-modules', 'PV modules', 'pv', sizes.pvKwp, 'kWp', c.pvModulesUsdc6PerKwp),
    line('pv-inverters', 'PV inverters', 'pv', sizes.pvInverterKwAc, 'kW AC', c.pvInvertersUsdc6PerKwAc),
    line('pv-bos', 'PV balance of system', 'pv', sizes.pvKwp, 'kWp', c.pvBosUsdc6PerKwp),
    line('pv-installation', 'PV installation & EPC', 'pv', sizes.pvKwp, 'kWp', c.pvInstallationUsdc6PerKwp),
    line('battery', 'Battery (packs, BMS, install)', 'battery', sizes.batteryKwh, 'kWh', c.batteryUsdc6PerKwh),
    line('battery-pcs', 'Battery power conversion', 'battery', sizes.batteryKw, 'kW', c.batteryPcsUsdc6PerKw),
    line('gpus', `GPUs (${config.gpuModel})`, 'compute', sizes.gpuCount, 'GPU', c.gpuUnitUsdc6),
    line('gpu-hosts', 'GPU hosts / servers', 'compute', sizes.gpuCount, 'GPU', c.gpuHostUsdc6PerGpu),
    line('compute-infra', 'Rack, network, cooling, UPS', 'compute', hasCompute ? 1 : 0, 'site', c.computeInfraUsdc6),
    line('ev-chargers', 'EV chargers', 'ev', sizes.evChargers, 'charger', c.evChargerUsdc6PerUnit),
    line('ev-install', 'EV charger installation', 'ev', sizes.evChargers, 'charger', c.evChargerInstallUsdc6PerUnit),
    line('grid-connection', 'Grid connection', 'grid', 1, 'site', c.gridConnectionUsdc6),
  ].filter((l) => l.quantity > 0 && l.totalUsdc6 > 0n);
  const hardware = sumUsdc6(hw.map((l) => l.totalUsdc6));
  const soft = costUsdc6(Number(hardware) * c.softCostFraction);
  const out: CapexLine[] = [
    ...hw,
    {
      id: 'soft-costs',
      label: 'Development, permits, contingency',
      category: 'soft',
      quantity: c.softCostFraction,
      unit: 'of hardware',
      unitCostUsdc6: hardware,
      totalUsdc6: soft,
    },
  ];
  // Incentive basis: PV / battery hardware plus their pro-rata soft costs.
  const withSoft = (x: Usdc6) => Number(x) * (1 + c.softCostFraction);
  const pvBasis = withSoft(sumUsdc6(hw.filter((l) => l.category === 'pv').map((l) => l.totalUsdc6)));
  const batBasis = withSoft(sumUsdc6(hw.filter((l) => l.category === 'battery').map((l) => l.totalUsdc6)));
  let incentive = pvBasis * c.incentivePvFraction + batBasis * c.incentiveBatteryFraction;
  if (c.incentiveCapUsdc6 > 0n) incentive = Math.min(incentive, Number(c.incentiveCapUsdc6));
  // An inflow: rounded down in magnitude, like a revenue.
  const amount = revenueUsdc6(incentive);
  if (amount > 0n)
    out.push({
      id: 'incentives',
      label: 'Incentives (tax credit / subsidy)',
      category: 'incentive',
      quantity: 1,
      unit: 'site',
      unitCostUsdc6: -amount,
      totalUsdc6: -amount,
    });
  return out;
}

function capexOf(lines: readonly CapexLine[], ids: readonly string[]): Usdc6 {
  return sumUsdc6(lines.filter((l) => ids.includes(l.id)).map((l) => l.totalUsdc6));
}

// ------------------------------------------------------------------------------- simulated year

/** The five revenue streams (plus certificates), all in usdc6. */
export interface RevenueStreams {
  /** GPU-hours served × rental price (from the simulated year). */
  computeRentalUsdc6: Usdc6;
  /** kWh delivered to EVs × charging price. */
  evChargingUsdc6: Usdc6;
  /** Energy exported to the grid × export price. */
  gridExportUsdc6: Usdc6;
  /** Import avoided by PV used on site in the same hour, at that hour's import price. */
  selfConsumptionSavingsUsdc6: Usdc6;
  /** The rest of the avoided grid cost: battery time shifting, grid-charge arbitrage, peak shaving. */
  storageArbitrageUsdc6: Usdc6;
  /** Energy attribute certificates (and avoided-CO2 credits if priced) sold. */
  certificatesUsdc6: Usdc6;
}

export const REVENUE_LABELS: Record<keyof RevenueStreams, string> = {
  computeRentalUsdc6: 'Compute rental',
  evChargingUsdc6: 'EV charging',
  gridExportUsdc6: 'Grid export',
  selfConsumptionSavingsUsdc6: 'Self-consumption savings',
  storageArbitrageUsdc6: 'Storage shifting & arbitrage',
  certificatesUsdc6: 'Certificates / carbon',
};

export const REVENUE_KEYS = Object.keys(REVENUE_LABELS) as (keyof RevenueStreams)[];

export function totalRevenue(r: RevenueStreams): Usdc6 {
  return sumUsdc6(REVENUE_KEYS.map((k) => r[k]));
}

/**
 * Year-1 amounts extracted from a simulated year, annualised to 8,760 h if a shorter window was
 * simulated. Grid cost is expressed as the *baseline* bill (all loads bought from the grid, no PV, no
 * battery); the PV/battery value then appears as revenue streams, so
 *   export + self-consumption + storage − baseline bill = −(actual bill)
 * holds exactly (up to per-hour rounding).
 */
export interface YearBase {
  revenue: RevenueStreams;
  /** Grid energy cost if every kWh of load were imported, at each hour's import price. */
  baselineEnergyCostUsdc6: Usdc6;
  /** Demand charges on the monthly peak load without PV/battery. */
  baselineDemandChargeUsdc6: Usdc6;
  fixedChargeUsdc6: Usdc6;
  /**
   * What the pre-existing loads (config.preExistingLoads) would pay without the investment: their energy
   * at each hour's import price and their demand charges; plus the fixed charge if the base load
   * pre-exists (the connection exists anyway). Subtracted from the baseline bill: the investment is
   * charged only for the loads it adds.
   */
  counterfactualBillUsdc6: Usdc6;
  counterfactualFixedUsdc6: Usdc6;
  /** Unmet GPU / EV demand penalties of the simulated controller (treated as cash SLA credits). */
  penaltiesUsdc6: Usdc6;
  /** PV energy delivered (available − curtailed), kWh/yr. */
  pvDeliveredKwh: number;
  certificateMwh: number;
  avoidedTco2: number;
  emissionsTco2: number;
  gpuHoursServed: number;
  gpuHoursCapacity: number;
  /** Extra grid energy per extra GPU-hour served, kWh (busy − idle, × PUE). */
  gpuMarginalKwhPerHour: number;
  /** Import price weighted by GPU energy, usdc6/kWh. */
  gpuWeightedImportUsdc6PerKwh: number;
  greenShare: number;
  simulatedHours: number;
  annualisation: number;
  /** The actual electricity bill of the simulated year (annualised), for cross-checking. */
  actualBillUsdc6: Usdc6;
}

// Energy reports integer Wh and usdc6; Math.round only guards BigInt() against a stray fraction.
const bi = (x: number | undefined) => BigInt(Math.round(x ?? 0));
const ceilDiv = (a: bigint, b: bigint) => (a >= 0n ? (a + b - 1n) / b : a / b);
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : (a - b + 1n) / b);

/** Pull the year-1 amounts out of an energy simulation. */
export function extractYear(config: InvestmentConfig, site: SiteConfig, year: YearResult): YearBase {
  const h = year.hourly;
  const n = year.hours;
  const pre = config.preExistingLoads;
  let baselineEnergy = 0n;
  let counterEnergy = 0n;
  let actualImport = 0n;
  let exportRev = 0n;
  let selfCons = 0n;
  let certWh = 0;
  let gpuWhSum = 0;
  let gpuCostMicro = 0;
  const monthPeakLoadW = new Map<string, number>();
  const monthPeakExistingW = new Map<string, number>();
  for (let t = 0; t < n; t++) {
    const loads = (h.baseLoadWh[t] ?? 0) + (h.gpuWh[t] ?? 0) + (h.evWh[t] ?? 0);
    const ip = bi(h.importPriceUsdc6PerKwh[t]);
    const ep = bi(h.exportPriceUsdc6PerKwh[t]);
    const existing = (pre.baseLoad ? (h.baseLoadWh[t] ?? 0) : 0) + (pre.ev ? (h.evWh[t] ?? 0) : 0);
    baselineEnergy += ceilDiv(bi(loads) * ip, 1000n);
    counterEnergy += ceilDiv(bi(existing) * ip, 1000n);
    actualImport += ceilDiv(bi(h.gridImportWh[t]) * ip, 1000n);
    exportRev += floorDiv(bi(h.gridExportWh[t]) * ep, 1000n);
    const pvNet = Math.max(0, (h.pvAvailableWh[t] ?? 0) - (h.pvCurtailedWh[t] ?? 0));
    selfCons += floorDiv(bi(Math.min(pvNet, loads)) * ip, 1000n);
    // Green energy bundled into the compute sold (the buyer claims its hourly certificate) is not sold twice.
    const pvOnSite = Math.max(0, pvNet - (h.gridExportWh[t] ?? 0));
    certWh += pvNet - Math.min(h.gpuWh[t] ?? 0, pvOnSite);
    gpuWhSum += h.gpuWh[t] ?? 0;
    gpuCostMicro += ((h.gpuWh[t] ?? 0) / 1000) * Number(ip);
    const month = new Date((h.startUtcS[t] ?? 0) * 1000).toISOString().slice(0, 7);
    monthPeakLoadW.set(month, Math.max(monthPeakLoadW.get(month) ?? 0, loads)); // Wh in 1 h = mean W
    monthPeakExistingW.set(month, Math.max(monthPeakExistingW.get(month) ?? 0, existing));
  }
  const tot = year.totals;
  const demandRate = site.tariff.demandChargeUsdPerKwMonth;
  let baselineDemand = 0n;
  for (const peakW of monthPeakLoadW.values()) baselineDemand += costUsdc6((peakW / 1000) * demandRate * 1e6);
  let counterDemand = 0n;
  for (const peakW of monthPeakExistingW.values()) counterDemand += costUsdc6((peakW / 1000) * demandRate * 1e6);
  const counterFixed = pre.baseLoad ? bi(tot.fixedChargeUsdc6) : 0n;
  const actualDemand = bi(tot.demandChargeUsdc6);
  const storage = baselineEnergy - actualImport - selfCons + (baselineDemand - actualDemand);

  const certificateMwh = certWh / 1e6;
  const avoidedTco2 = tot.avoidedGCo2 / 1e6;
  const certRevenue =
    revenueUsdc6(certificateMwh * Number(config.prices.certificateUsdc6PerMwh)) +
    revenueUsdc6(avoidedTco2 * Number(config.prices.carbonCreditUsdc6PerTonne));

  // A shorter simulated window is scaled to a year; revenues rounded down, costs up.
  const k = n > 0 ? 8760 / n : 0;
  const rev = (x: bigint) => revenueUsdc6(Number(x) * k);
  const cost = (x: bigint) => costUsdc6(Number(x) * k);
  const gpu = site.gpu;
  return {
    revenue: {
      computeRentalUsdc6: rev(bi(tot.computeRevenueUsdc6)),
      evChargingUsdc6: rev(bi(tot.evRevenueUsdc6)),
      gridExportUsdc6: rev(exportRev),
      selfConsumptionSavingsUsdc6: rev(selfCons),
      storageArbitrageUsdc6: rev(storage),
      certificatesUsdc6: rev(certRevenue),
    },
    baselineEnergyCostUsdc6: cost(baselineEnergy),
    baselineDemandChargeUsdc6: cost(baselineDemand),
    fixedChargeUsdc6: cost(bi(tot.fixedChargeUsdc6)),
    // rounded down: it is subtracted from a cost
    counterfactualBillUsdc6: rev(counterEnergy + counterDemand),
    counterfactualFixedUsdc6: rev(counterFixed),
    penaltiesUsdc6: cost(bi(tot.penaltyUsdc6)),
    pvDeliveredKwh: ((tot.pvAvailableWh - tot.pvCurtailedWh) / 1000) * k,
    certificateMwh: certificateMwh * k,
    avoidedTco2: avoidedTco2 * k,
    emissionsTco2: (tot.emissionsGCo2 / 1e6) * k,
    gpuHoursServed: tot.gpuHoursServed * k,
    gpuHoursCapacity: (gpu?.count ?? 0) * 8760,
    gpuMarginalKwhPerHour: gpu ? ((gpu.busyW - gpu.idleW) * gpu.pue) / 1000 : 0,
    gpuWeightedImportUsdc6PerKwh: gpuWhSum > 0 ? gpuCostMicro / (gpuWhSum / 1000) : 0,
    greenShare: tot.greenShare,
    simulatedHours: n,
    annualisation: k,
    actualBillUsdc6: cost(bi(tot.electricityBillUsdc6)),
  };
}

// ---------------------------------------------------------------------------------- cash flows

/**
 * Multipliers applied to the base case by the tornado. All 1 for the base case.
 *  capex            every capex line, replacements, and capex-linked opex (insurance, GPU maintenance)
 *  computePrice     compute rental revenue (and the platform fee on it)
 *  utilisation      GPU-hours served (capped at the fleet's capacity) → compute revenue, plus the extra /
 *                   saved GPU energy bought at the GPU-weighted import price (assumed grid-supplied)
 *  electricityPrice import and export prices: baseline bill, demand charges, export, self-consumption, storage
 *  discountRate     the discount rate
 *  pvYield          PV-driven streams: export, self-consumption, certificates, and LCOE energy (linear)
 */
export interface Scales {
  capex: number;
  computePrice: number;
  utilisation: number;
  electricityPrice: number;
  discountRate: number;
  pvYield: number;
}

export const UNIT_SCALES: Scales = {
  capex: 1,
  computePrice: 1,
  utilisation: 1,
  electricityPrice: 1,
  discountRate: 1,
  pvYield: 1,
};

export const OPEX_LABELS = {
  gridElectricity: 'Grid electricity for added loads (no PV/battery)',
  penalties: 'Unmet-demand penalties',
  pvOm: 'PV O&M',
  batteryOm: 'Battery O&M',
  insurance: 'Insurance',
  connectivity: 'Connectivity',
  gpuMaintenance: 'GPU maintenance',
  platformFee: 'Platform fee',
  evOm: 'EV charger O&M + software',
  evPaymentFees: 'EV payment fees',
  siteLease: 'Site lease',
} as const;
export type OpexId = keyof typeof OPEX_LABELS;

export const REPLACEMENT_LABELS = {
  battery: 'Battery replacement',
  inverters: 'Inverter replacement',
  gpuRefresh: 'GPU refresh',
} as const;
export type ReplacementId = keyof typeof REPLACEMENT_LABELS;

export interface CashFlowYear {
  year: number;
  revenue: RevenueStreams;
  revenueUsdc6: Usdc6;
  opex: Record<OpexId, Usdc6>;
  opexUsdc6: Usdc6;
  replacements: Record<ReplacementId, Usdc6>;
  /** Initial capex in year 0, replacements afterwards. */
  capexUsdc6: Usdc6;
  netUsdc6: Usdc6;
  cumulativeUsdc6: Usdc6;
  /** Net discounted to year 0, rounded down. */
  discountedUsdc6: Usdc6;
  /** PV energy delivered this year (degraded), kWh. */
  pvKwh: number;
}

export interface Metrics {
  npvUsdc6: Usdc6;
  /** Null = "none": no discount rate makes NPV zero. */
  irr: number | null;
  irrRoots: number[];
  irrNote?: string;
  paybackYears: number | null;
  discountedPaybackYears: number | null;
  /**
   * Levelised cost of the site's own energy, usdc6 per kWh of PV delivered (after curtailment), rounded up;
   * null without PV. Costs: PV and battery capex (with their pro-rata soft costs), their O&M and insurance
   * share, battery and inverter replacements; energy discounted too (NREL/IRENA definition). Unsubsidised:
   * capital incentives are not deducted.
   */
  lcoeUsdc6PerKwh: Usdc6 | null;
  /** The same for the PV system alone (no battery), comparable with NREL ATB / IRENA PV LCOE. */
  lcoePvOnlyUsdc6PerKwh: Usdc6 | null;
}

const ZERO_REVENUE: RevenueStreams = {
  computeRentalUsdc6: 0n,
  evChargingUsdc6: 0n,
  gridExportUsdc6: 0n,
  selfConsumptionSavingsUsdc6: 0n,
  storageArbitrageUsdc6: 0n,
  certificatesUsdc6: 0n,
};

function zeroRecord<K extends string>(keys: readonly K[]): Record<K, Usdc6> {
  return Object.fromEntries(keys.map((k) => [k, 0n])) as Record<K, Usdc6>;
}

/** Annual cash flows over the lifetime plus the metrics computed from them. Pure. */
export function cashFlowModel(
  config: InvestmentConfig,
  lines: readonly CapexLine[],
  sizes: SiteSizes,
  base: YearBase,
  s: Scales = UNIT_SCALES,
): { cashFlows: CashFlowYear[]; metrics: Metrics } {
  const capexTotal = Number(sumUsdc6(lines.map((l) => l.totalUsdc6))) * s.capex;
  // Insurance covers the replacement value: gross of incentives.
  const grossCapex =
    Number(sumUsdc6(lines.filter((l) => l.category !== 'incentive').map((l) => l.totalUsdc6))) * s.capex;
  const batteryCapex = Number(capexOf(lines, ['battery', 'battery-pcs'])) * s.capex;
  const inverterCapex = Number(capexOf(lines, ['pv-inverters'])) * s.capex;
  const gpuCapex = Number(capexOf(lines, ['gpus', 'gpu-hosts'])) * s.capex;
  const energyHw = Number(
    capexOf(lines, ['pv-modules', 'pv-inverters', 'pv-bos', 'pv-installation', 'battery', 'battery-pcs']),
  );
  const allHw = Number(
    sumUsdc6(lines.filter((l) => l.category !== 'soft' && l.category !== 'incentive').map((l) => l.totalUsdc6)),
  );
  const soft = Number(capexOf(lines, ['soft-costs']));
  const pvHw = Number(capexOf(lines, ['pv-modules', 'pv-inverters', 'pv-bos', 'pv-installation']));
  // Energy assets' share of the capex (soft costs allocated pro rata), used for LCOE.
  const withSoft = (hw: number) => (hw + (allHw > 0 ? (soft * hw) / allHw : 0)) * s.capex;
  const energyCapex = withSoft(energyHw);
  const pvCapex = withSoft(pvHw);

  const { escalation: esc, replacement: rep, opex: ox, prices } = config;
  const rate = config.discountRate * s.discountRate;
  const r = base.revenue;
  const uEff = base.gpuHoursServed > 0 ? Math.min(s.utilisation, base.gpuHoursCapacity / base.gpuHoursServed) : 1;
  const extraGpuGridCost =
    (uEff - 1) * base.gpuHoursServed * base.gpuMarginalKwhPerHour * base.gpuWeightedImportUsdc6PerKwh;

  const cashFlows: CashFlowYear[] = [];
  const year0Capex = costUsdc6(capexTotal);
  cashFlows.push({
    year: 0,
    revenue: { ...ZERO_REVENUE },
    revenueUsdc6: 0n,
    opex: zeroRecord(Object.keys(OPEX_LABELS) as OpexId[]),
    opexUsdc6: 0n,
    replacements: zeroRecord(Object.keys(REPLACEMENT_LABELS) as ReplacementId[]),
    capexUsdc6: year0Capex,
    netUsdc6: -year0Capex,
    cumulativeUsdc6: -year0Capex,
    discountedUsdc6: -year0Capex,
    pvKwh: 0,
  });
  const lcoeCosts: number[] = [energyCapex];
  const lcoePvCosts: number[] = [pvCapex];
  const lcoeEnergy: number[] = [0];
  let cumulative = -year0Capex;

  for (let y = 1; y <= config.lifetimeYears; y++) {
    const t = y - 1;
    const pvF = (1 - config.pvDegradationPerYear) ** t * s.pvYield;
    const elecF = (1 + esc.electricityPerYear) ** t * s.electricityPrice;
    const opexF = (1 + esc.opexPerYear) ** t;
    const genAge = rep.gpuRefreshYears > 0 ? t % rep.gpuRefreshYears : t;
    const computeF = (1 + esc.computePricePerGenerationYear) ** genAge * s.computePrice * uEff;
    const batAge =
      rep.batteryReplacementYear > 0 && y > rep.batteryReplacementYear ? y - 1 - rep.batteryReplacementYear : t;
    const batF = (1 - config.batteryFadePerYear) ** batAge;

    const revenue: RevenueStreams = {
      computeRentalUsdc6: revenueUsdc6(Number(r.computeRentalUsdc6) * computeF),
      evChargingUsdc6: revenueUsdc6(Number(r.evChargingUsdc6) * (1 + esc.evPricePerYear) ** t),
      gridExportUsdc6: revenueUsdc6(Number(r.gridExportUsdc6) * pvF * elecF),
      selfConsumptionSavingsUsdc6: revenueUsdc6(Number(r.selfConsumptionSavingsUsdc6) * pvF * elecF),
      storageArbitrageUsdc6: revenueUsdc6(Number(r.storageArbitrageUsdc6) * batF * elecF),
      certificatesUsdc6: revenueUsdc6(Number(r.certificatesUsdc6) * pvF * (1 + esc.certificatePerYear) ** t),
    };
    const revenueTotal = totalRevenue(revenue);
    const opex: Record<OpexId, Usdc6> = {
      gridElectricity: costUsdc6(
        (Number(base.baselineEnergyCostUsdc6 + base.baselineDemandChargeUsdc6) + extraGpuGridCost) * elecF +
          Number(base.fixedChargeUsdc6 - base.counterfactualFixedUsdc6) * (1 + esc.electricityPerYear) ** t -
          Number(base.counterfactualBillUsdc6) * elecF,
      ),
      penalties: costUsdc6(Number(base.penaltiesUsdc6)),
      pvOm: costUsdc6(sizes.pvKwp * Number(ox.pvOmUsdc6PerKwpYear) * opexF),
      batteryOm: costUsdc6(sizes.batteryKwh * Number(ox.batteryOmUsdc6PerKwhYear) * opexF),
      insurance: costUsdc6(grossCapex * ox.insuranceFractionOfCapex * opexF),
      connectivity: costUsdc6(Number(ox.connectivityUsdc6PerYear) * opexF),
      gpuMaintenance: costUsdc6(gpuCapex * ox.gpuMaintenanceFractionOfCapex * opexF),
      platformFee: costUsdc6(Number(revenue.computeRentalUsdc6) * ox.platformFeeFraction),
      evOm: costUsdc6(sizes.evChargers * Number(ox.evChargerOmUsdc6PerUnitYear) * opexF),
      evPaymentFees: costUsdc6(Math.max(0, Number(revenue.evChargingUsdc6)) * ox.evPaymentFeeFraction),
      siteLease: costUsdc6(Number(ox.siteLeaseUsdc6PerYear) * opexF),
    };
    const opexTotal = sumUsdc6(Object.values(opex));
    // Replacements happen at the end of their year; nothing is replaced in the final year (no life left).
    const last = y === config.lifetimeYears;
    const replacements: Record<ReplacementId, Usdc6> = {
      battery:
        !last && y === rep.batteryReplacementYear
          ? costUsdc6(batteryCapex * rep.batteryReplacementFractionOfCapex)
          : 0n,
      inverters:
        !last && y === rep.inverterReplacementYear
          ? costUsdc6(inverterCapex * rep.inverterReplacementFractionOfCapex)
          : 0n,
      gpuRefresh:
        !last && rep.gpuRefreshYears > 0 && y % rep.gpuRefreshYears === 0
          ? costUsdc6(gpuCapex * rep.gpuRefreshFractionOfCapex)
          : 0n,
    };
    const capex = sumUsdc6(Object.values(replacements));
    const net = revenueTotal - opexTotal - capex;
    cumulative += net;
    const pvKwh = base.pvDeliveredKwh * pvF;
    cashFlows.push({
      year: y,
      revenue,
      revenueUsdc6: revenueTotal,
      opex,
      opexUsdc6: opexTotal,
      replacements,
      capexUsdc6: capex,
      netUsdc6: net,
      cumulativeUsdc6: cumulative,
      discountedUsdc6: revenueUsdc6(Number(net) / (1 + rate) ** y),
      pvKwh,
    });
    lcoeCosts.push(
      Number(opex.pvOm + opex.batteryOm) +
        energyCapex * ox.insuranceFractionOfCapex * opexF +
        Number(replacements.battery + replacements.inverters),
    );
    lcoePvCosts.push(
      Number(opex.pvOm) + pvCapex * ox.insuranceFractionOfCapex * opexF + Number(replacements.inverters),
    );
    lcoeEnergy.push(pvKwh);
  }

  const flows = cashFlows.map((c) => Number(c.netUsdc6));
  const irrRes = irr(flows);
  const l = lcoe(rate, lcoeCosts, lcoeEnergy);
  const lPv = lcoe(rate, lcoePvCosts, lcoeEnergy);
  return {
    cashFlows,
    metrics: {
      // NPV in float over integer flows, then rounded down (a value, treated like revenue).
      npvUsdc6: revenueUsdc6(npv(rate, flows)),
      irr: irrRes.rate,
      irrRoots: irrRes.roots,
      ...(irrRes.reason
        ? {
            irrNote:
              irrRes.reason === 'no-sign-change'
                ? 'none: cash flows never change sign'
                : 'none: NPV does not cross zero for any rate above -99.9%',
          }
        : irrRes.roots.length > 1
          ? { irrNote: `several roots (${irrRes.roots.map((x) => (x * 100).toFixed(2) + '%').join(', ')})` }
          : {}),
      paybackYears: paybackYears(flows),
      discountedPaybackYears: discountedPaybackYears(rate, flows),
      lcoeUsdc6PerKwh: l === null ? null : costUsdc6(l),
      lcoePvOnlyUsdc6PerKwh: lPv === null ? null : costUsdc6(lPv),
    },
  };
}

// ------------------------------------------------------------------------------------ tornado

export type Driver = keyof Scales;

export const DRIVER_LABELS: Record<Driver, string> = {
  capex: 'Capex',
  computePrice: 'GPU rental price',
  utilisation: 'GPU utilisation',
  electricityPrice: 'Electricity price',
  discountRate: 'Discount rate',
  pvYield: 'PV yield',
};

export interface TornadoBar {
  driver: Driver;
  label: string;
  /** Multiplier applied at the low / high setting (e.g. 0.8 / 1.2). */
  lowScale: number;
  highScale: number;
  lowNpvUsdc6: Usdc6;
  highNpvUsdc6: Usdc6;
  /** |high − low|, the ordering key. */
  swingUsdc6: Usdc6;
}

export interface Tornado {
  variation: number;
  baseNpvUsdc6: Usdc6;
  /** Sorted by swing, largest first. */
  bars: TornadoBar[];
}

/** One-at-a-time sensitivity of NPV to each driver at ±variation, rerunning the cash-flow model. */
export function tornado(
  config: InvestmentConfig,
  lines: readonly CapexLine[],
  sizes: SiteSizes,
  base: YearBase,
  variation = 0.2,
): Tornado {
  if (!(variation > 0 && variation < 1)) throw new RangeError(`tornado variation must be in (0, 1), got ${variation}`);
  const baseNpv = cashFlowModel(config, lines, sizes, base).metrics.npvUsdc6;
  const bars = (Object.keys(DRIVER_LABELS) as Driver[]).map((driver): TornadoBar => {
    const at = (m: number) =>
      cashFlowModel(config, lines, sizes, base, { ...UNIT_SCALES, [driver]: m }).metrics.npvUsdc6;
    const low = at(1 - variation);
    const high = at(1 + variation);
    return {
      driver,
      label: DRIVER_LABELS[driver],
      lowScale: 1 - variation,
      highScale: 1 + variation,
      lowNpvUsdc6: low,
      highNpvUsdc6: high,
      swingUsdc6: high > low ? high - low : low - high,
    };
  });
  bars.sort((a, b) => (a.swingUsdc6 === b.swingUsdc6 ? 0 : a.swingUsdc6 > b.swingUsdc6 ? -1 : 1));
  return { variation, baseNpvUsdc6: baseNpv, bars };
}

// ---------------------------------------------------------------------------------- break-even

/** The drivers a site owner can act on, whose break-even value `invest` reports. */
export const BREAK_EVEN_DRIVERS = ['computePrice', 'utilisation', 'capex'] as const;
export type BreakEvenDriver = (typeof BREAK_EVEN_DRIVERS)[number];

export interface BreakEven {
  driver: BreakEvenDriver;
  label: string;
  unit: 'USD/GPU-h' | 'share of GPU capacity' | 'USD';
  /** The driver in the base case, in `unit`. */
  baseValue: number;
  /** Multiplier of the base case at which NPV = 0, to 1e-6; null when no multiplier in `range` reaches it. */
  scale: number | null;
  /** The driver's value at NPV = 0 (baseValue × scale), in `unit`; null as `scale`. */
  value: number | null;
  /** Multipliers searched: what is physically possible (utilisation up to the fleet's capacity, capex down to 0). */
  range: [number, number];
  /** NPV at the two ends of the range, so an unreachable break-even says how far off it is. */
  npvAtRangeUsdc6: [Usdc6, Usdc6];
}

/**
 * Break-even of each driver a site owner can act on, the others held at the base case: the multiplier at which the
 * NPV crosses zero, by bisection on the cash-flow model (NPV is monotone in each: rising with the GPU rental price and
 * utilisation, falling with capex). Ranges: price × [0, 10]; utilisation up to the fleet's capacity (beyond it more
 * demand earns nothing); capex × [0, 3].
 */
export function breakEvens(
  config: InvestmentConfig,
  site: SiteConfig,
  lines: readonly CapexLine[],
  sizes: SiteSizes,
  base: YearBase,
): BreakEven[] {
  const npvAt = (driver: BreakEvenDriver, m: number) =>
    cashFlowModel(config, lines, sizes, base, { ...UNIT_SCALES, [driver]: m }).metrics.npvUsdc6;
  const capexUsd = Number(sumUsdc6(lines.map((l) => l.totalUsdc6))) / 1e6;
  const utilisation = base.gpuHoursCapacity > 0 ? base.gpuHoursServed / base.gpuHoursCapacity : 0;
  const drivers: Record<BreakEvenDriver, { unit: BreakEven['unit']; baseValue: number; range: [number, number] }> = {
    computePrice: { unit: 'USD/GPU-h', baseValue: site.gpu?.revenueUsdPerGpuHour ?? 0, range: [0, 10] },
    utilisation: {
      unit: 'share of GPU capacity',
      baseValue: utilisation,
      range: [0, utilisation > 0 ? 1 / utilisation : 1],
    },
    capex: { unit: 'USD', baseValue: capexUsd, range: [0, 3] },
  };
  return BREAK_EVEN_DRIVERS.map((driver): BreakEven => {
    const { unit, baseValue, range } = drivers[driver];
    const ends: [Usdc6, Usdc6] = [npvAt(driver, range[0]), npvAt(driver, range[1])];
    let scale: number | null = null;
    if ((ends[0] <= 0n && ends[1] >= 0n) || (ends[0] >= 0n && ends[1] <= 0n)) {
      const rising = ends[1] > ends[0];
      let [lo, hi] = range;
      while (hi - lo > 1e-7) {
        const mid = (lo + hi) / 2;
        if (npvAt(driver, mid) < 0n === rising) lo = mid;
        else hi = mid;
      }
      scale = Math.round(((lo + hi) / 2) * 1e6) / 1e6;
    }
    return {
      driver,
      label: DRIVER_LABELS[driver],
      unit,
      baseValue,
      scale,
      value: scale === null ? null : baseValue * scale,
      range,
      npvAtRangeUsdc6: ends,
    };
  });
}

// ------------------------------------------------------------------------------------- result

export interface InvestmentResult {
  model: ModelId;
  name: string;
  zone: InvestmentConfig['zone'];
  controller: YearResult['controller'];
  dataYear: number;
  config: InvestmentConfig;
  sizes: SiteSizes;
  capex: { lines: CapexLine[]; totalUsdc6: Usdc6 };
  year1: YearBase;
  cashFlows: CashFlowYear[];
  /** Sum of each stream over the lifetime. */
  lifetimeRevenue: RevenueStreams;
  lifetimeRevenueUsdc6: Usdc6;
  metrics: Metrics;
  tornado: Tornado;
  /** What would make the investment break even, driver by driver. */
  breakEven: BreakEven[];
}

/** Evaluate an investment on a simulated year. Pure. */
export function evaluateInvestment(
  config: InvestmentConfig,
  site: SiteConfig,
  year: YearResult,
  opts: { tornadoVariation?: number } = {},
): InvestmentResult {
  const sizes = siteSizes(site);
  const lines = capexLines(config, sizes);
  const base = extractYear(config, site, year);
  const { cashFlows, metrics } = cashFlowModel(config, lines, sizes, base);
  const lifetimeRevenue = { ...ZERO_REVENUE };
  for (const cf of cashFlows) for (const k of REVENUE_KEYS) lifetimeRevenue[k] += cf.revenue[k];
  return {
    model: config.model,
    name: MODEL_NAMES[config.model],
    zone: config.zone,
    controller: year.controller,
    dataYear: year.year,
    config,
    sizes,
    capex: { lines, totalUsdc6: sumUsdc6(lines.map((l) => l.totalUsdc6)) },
    year1: base,
    cashFlows,
    lifetimeRevenue,
    lifetimeRevenueUsdc6: totalRevenue(lifetimeRevenue),
    metrics,
    tornado: tornado(config, lines, sizes, base, opts.tornadoVariation),
    breakEven: breakEvens(config, site, lines, sizes, base),
  };
}
