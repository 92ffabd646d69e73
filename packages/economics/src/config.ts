// Investment-model configuration: every capex / opex line, lifetime, degradation, replacements,
// escalation, discount rate and certificate prices, with per-zone defaults. Physical sizes (kWp,
// kWh, GPU count, chargers, grid limit) and the site's operating assumptions (GPU rental price per
// GPU-hour, demand utilisation, EV charging price) are NOT here: they come from the energy site config
// (`defaultSite` of @greenhour/energy, overridable through the `site` part of a config file), so the
// priced assets and prices are exactly the simulated ones.
//
// Money fields end in `Usdc6` (integer micro-USD, bigint); rates/fractions are plain numbers.
// Sources are quoted next to each default with their year; where no public source exists the
// value is marked as an assumption.

import { DATA_DIR, loadZone } from '@greenhour/energy';
import type { Segment, SiteType, ZoneId } from '@greenhour/energy';
import { usd, type Usdc6 } from './money.ts';

export type ModelId = SiteType;
export const MODELS: readonly ModelId[] = ['station', 'pile', 'home'];

export const MODEL_NAMES: Record<ModelId, string> = {
  station: '2B green energy station (PV + battery + GPU racks)',
  pile: '2B charging-and-storage pile (PV + battery + EV chargers + edge GPU)',
  home: '2C green smart home (rooftop PV + home battery + consumer GPU)',
};

export interface CapexConfig {
  /** PV modules, per kWp DC. */
  pvModulesUsdc6PerKwp: Usdc6;
  /** PV inverters, per kW AC (AC rating = kWp / dcAcRatio from the site config). */
  pvInvertersUsdc6PerKwAc: Usdc6;
  /** Balance of system: racking, DC/AC cabling, protection, monitoring, per kWp. */
  pvBosUsdc6PerKwp: Usdc6;
  /** Installation labour, EPC margin, per kWp. */
  pvInstallationUsdc6PerKwp: Usdc6;
  /** Battery packs + racks + BMS + installation, per kWh usable. */
  batteryUsdc6PerKwh: Usdc6;
  /** Battery power conversion (PCS / hybrid inverter), per kW of max discharge power. */
  batteryPcsUsdc6PerKw: Usdc6;
  /** GPU card, per unit (model in `gpuModel`). */
  gpuUnitUsdc6: Usdc6;
  /** Host share per GPU: chassis, CPUs, RAM, NVMe, NIC, PSU. */
  gpuHostUsdc6PerGpu: Usdc6;
  /** Rack, switch, cooling, UPS per site (0 for a home PC). */
  computeInfraUsdc6: Usdc6;
  /** EV charge point hardware, per charger. */
  evChargerUsdc6PerUnit: Usdc6;
  /** EV charger installation (civil works, cabling, commissioning), per charger. */
  evChargerInstallUsdc6PerUnit: Usdc6;
  /** Grid connection / service upgrade, fixed per site. */
  gridConnectionUsdc6: Usdc6;
  /** Development, permitting, design, interconnection studies, contingency: fraction of all the above. */
  softCostFraction: number;
  /**
   * Capital incentives (tax credit / subsidy) as fractions of the PV and battery capex incl. their soft
   * costs, capped at `incentiveCapUsdc6` (0 = no cap). Booked in year 0 as a negative capex line, though a
   * tax credit is actually received with the first tax return.
   */
  incentivePvFraction: number;
  incentiveBatteryFraction: number;
  incentiveCapUsdc6: Usdc6;
}

export interface OpexConfig {
  /** PV operations & maintenance (cleaning, inspection, monitoring), per kWp per year. */
  pvOmUsdc6PerKwpYear: Usdc6;
  /** Battery O&M (service contract, augmentation excluded), per kWh per year. */
  batteryOmUsdc6PerKwhYear: Usdc6;
  /** Property + liability insurance, fraction of initial capex per year. */
  insuranceFractionOfCapex: number;
  /** Internet / connectivity for telemetry and compute traffic, per year. */
  connectivityUsdc6PerYear: Usdc6;
  /** GPU/host maintenance, spare parts and remote hands, fraction of GPU+host capex per year. */
  gpuMaintenanceFractionOfCapex: number;
  /** Greenhour platform / marketplace fee, fraction of compute revenue. */
  platformFeeFraction: number;
  /** EV charger O&M + back-office (OCPP) software, per charger per year. */
  evChargerOmUsdc6PerUnitYear: Usdc6;
  /** Card / roaming payment fees, fraction of EV charging revenue. */
  evPaymentFeeFraction: number;
  /** Land or roof lease, per year (0 for an owner-occupied home). */
  siteLeaseUsdc6PerYear: Usdc6;
}

export interface ReplacementConfig {
  /** Operating year (1-based) at whose end the battery is replaced; 0 = never. */
  batteryReplacementYear: number;
  /** Replacement cost as a fraction of the initial battery capex (future pack prices are lower). */
  batteryReplacementFractionOfCapex: number;
  /** Operating year at whose end the PV inverters are replaced; 0 = never. */
  inverterReplacementYear: number;
  inverterReplacementFractionOfCapex: number;
  /** GPUs and hosts are replaced every this many years (a new generation); 0 = never. */
  gpuRefreshYears: number;
  /** Cost of each refresh, fraction of initial GPU+host capex. */
  gpuRefreshFractionOfCapex: number;
}

export interface EscalationConfig {
  /** Nominal yearly change of grid import/export prices (also applies to the baseline bill). */
  electricityPerYear: number;
  /** Nominal yearly change of opex (general inflation). */
  opexPerYear: number;
  /** Yearly change of the GPU-hour price within a GPU generation (negative: GPUs get cheaper); resets at refresh. */
  computePricePerGenerationYear: number;
  /** Yearly change of the EV charging price. */
  evPricePerYear: number;
  /** Yearly change of certificate prices. */
  certificatePerYear: number;
}

/**
 * Prices not tied to the simulated site. The GPU rental price, demand utilisation and EV charging price
 * are site operating assumptions: `site.gpu.revenueUsdPerGpuHour`, `site.gpu.demandUtilization` and
 * `site.ev.chargePriceUsdPerKwh` (defaults in energy's `defaultSite`).
 */
export interface PriceConfig {
  /** Energy attribute certificate (GO / REC / I-REC / non-fossil certificate) price per MWh sold. */
  certificateUsdc6PerMwh: Usdc6;
  /**
   * Avoided-emission credit price per tCO2. Default 0: selling certificates and avoided-emission credits
   * for the same MWh is double counting under GHG Protocol Scope 2 guidance; set this (and the
   * certificate price to 0) to value the carbon instead.
   */
  carbonCreditUsdc6PerTonne: Usdc6;
}

export interface InvestmentConfig {
  model: ModelId;
  zone: ZoneId;
  /** GPU model priced in capex (the energy site config carries its power draw). */
  gpuModel: string;
  /** Economic life of the site, years. */
  lifetimeYears: number;
  /** Nominal discount rate (WACC), fraction per year. */
  discountRate: number;
  /** PV output loss per year, fraction (applied to PV-driven streams). */
  pvDegradationPerYear: number;
  /** Battery usable-capacity fade per year, fraction (applied to the storage stream until replacement). */
  batteryFadePerYear: number;
  /**
   * Loads that exist without the investment (the counterfactual). Their grid bill is paid anyway, so it is
   * not charged to the investment, while the PV/battery savings on them are credited. A household's own
   * consumption (and its car) pre-exist; a 2B site is greenfield, all of its loads are the investment's.
   * When the base load pre-exists, so does the grid connection and its fixed charge.
   */
  preExistingLoads: { baseLoad: boolean; ev: boolean };
  capex: CapexConfig;
  opex: OpexConfig;
  replacement: ReplacementConfig;
  escalation: EscalationConfig;
  prices: PriceConfig;
}

// ---------------------------------------------------------------------------------------------
// Defaults. Sources (all USD, 2023/2024 money):
//  [ATB]    NREL Annual Technology Baseline 2024 (residential / commercial PV and battery storage:
//           capex, fixed O&M $/kW-yr; degradation). https://atb.nrel.gov/electricity/2024
//  [NRELB]  NREL "U.S. Solar PV System and Energy Storage Cost Benchmarks, Q1 2023" (Ramasamy et al.,
//           2023): cost split modules / inverter / BOS / labour / soft costs.
//  [IRENA]  IRENA "Renewable Power Generation Costs in 2023" (2024): module prices (~$0.2–0.3/W in 2023),
//           country installed costs, WACC 5% real OECD / 7.5% elsewhere; 0.5%/yr degradation.
//  [HTW]    Figgener et al., "The development of battery storage systems in Germany" (2024) and
//           EUPD Research 2023 price monitors: German home PV ~€1,400/kWp, home storage ~€900/kWh.
//  [METI]   METI Procurement Price Calculation Committee FY2023/24 (Japan): residential PV ~¥260k/kW,
//           10–50 kW ~¥230k/kW; SII home-storage subsidy data ~¥140k/kWh.
//  [MNRE]   India MNRE rooftop benchmark costs 2023 (~₹50k/kW residential) and SECI C&I tenders.
//  [EMA]    Singapore EMA / Solar Energy Research Institute of Singapore (SERIS) market reports 2023.
//  [BNEF]   BloombergNEF Battery Price Survey Dec 2023 ($139/kWh pack) and Energy Storage System Cost
//           Survey 2023 (turnkey ~$273/kWh).
//  [GPU]    List / street prices 2024: NVIDIA H100 SXM ~$25–30k (OEM quotes), NVIDIA L4 ~$2,500,
//           GeForce RTX 4090 MSRP $1,599 (NVIDIA, Oct 2022; street ~$1,800 in 2024).
//  GPU rental prices, utilisation and EV charging prices (and their sources) are in energy's `defaultSite`.
//  [CERT]   Certificate prices 2024: EU Guarantees of Origin (EEX auctions) ~€1–3/MWh; US voluntary
//           RECs ~$2–5/MWh; Japan FIT non-fossil certificates floor ¥0.4/kWh; I-REC Asia ~$1–5/MWh
//           (Singapore higher); India REC exchange (IEX) ~₹300–1,000/MWh.
//  [ESC]    Escalation: ~2.5%/yr long-run inflation; IEA WEO 2023 flat real retail power prices → ~2%/yr
//           nominal. GPU-hour prices: A100/H100 on-demand fell ~40–50% within two years (2023→2025,
//           public price lists) → −12%/yr within a generation.
// ---------------------------------------------------------------------------------------------

// Per-zone costs (PV split, battery, PV O&M, WACC, certificate price, labour index, incentives) are data:
// each zone's `grid/<ZONE>/zone.json` `costs`, with the source of each group (data/README.md). The split is
// chosen so the total matches each source's installed cost: US residential ≈ $2.9/W and commercial ≈ $1.9/W
// [ATB, NRELB]; DE residential ≈ $1.5/W, C&I ≈ $1.0/W [HTW]; JP residential ≈ $1.8/W, C&I ≈ $1.4/W [METI];
// IN residential ≈ $0.6/W, C&I ≈ $0.5/W [MNRE]; SG residential ≈ $1.3/W, C&I ≈ $0.9/W [EMA]. Module prices [IRENA].

interface ModelDefaults {
  segment: Segment;
  gpuModel: string;
  gpuUnitUsd: number;
  gpuHostUsd: number;
  computeInfraUsd: number;
  evChargerUsd: number;
  evInstallUsd: number;
  evOmUsdPerYear: number;
  gridConnectionUsd: number;
  connectivityUsdPerYear: number;
  siteLeaseUsdPerYear: number;
  lifetimeYears: number;
  /** Added to the zone WACC: merchant compute and EV revenue are riskier than a PV PPA. */
  riskPremium: number;
}

const MODEL_DEFAULTS: Record<ModelId, ModelDefaults> = {
  station: {
    segment: 'commercial',
    // The energy default site models 8 nodes x 8 H100-class GPUs (DGX H100 power), so H100 is priced here.
    gpuModel: 'NVIDIA H100 SXM 80GB',
    gpuUnitUsd: 25000, // [GPU] H100 SXM street price 2024 ~$25–30k
    gpuHostUsd: 10000, // HGX H100 8-GPU server without GPUs ~$80k (OEM quotes 2024) / 8
    computeInfraUsd: 150000, // racks, 400G fabric + switches, PDUs, cooling for 8 nodes (vendor list prices, assumption)
    evChargerUsd: 25000, // 50 kW DC charger hardware (NREL "2030 National Charging Network", 2023: $20–35k)
    evInstallUsd: 20000,
    evOmUsdPerYear: 1200, // OCPP back office + maintenance per DC charger (NREL 2023)
    gridConnectionUsd: 60000, // C&I service upgrade / transformer share for ~400 kW (assumption, utility fee schedules)
    connectivityUsdPerYear: 12000, // 10 Gbit/s business fibre ~$1,000/month
    siteLeaseUsdPerYear: 15000, // ~0.5 ha land / roof lease for 500 kWp (assumption)
    lifetimeYears: 20, // commercial site lease term; PV lasts longer but salvage value is ignored
    riskPremium: 0.02,
  },
  pile: {
    segment: 'commercial',
    gpuModel: 'NVIDIA L4 24GB',
    gpuUnitUsd: 2500, // [GPU]
    gpuHostUsd: 1500, // edge server (2-GPU 1U) ~$3k / 2
    computeInfraUsd: 5000, // outdoor cabinet, switch, small UPS
    evChargerUsd: 25000, // 50 kW DC charger hardware (NREL "2030 National Charging Network", 2023: $20–35k)
    evInstallUsd: 20000,
    evOmUsdPerYear: 1200,
    gridConnectionUsd: 30000,
    connectivityUsdPerYear: 1800,
    siteLeaseUsdPerYear: 4000, // parking-bay lease (assumption)
    lifetimeYears: 20,
    riskPremium: 0.02,
  },
  home: {
    segment: 'residential',
    gpuModel: 'NVIDIA GeForce RTX 4090',
    gpuUnitUsd: 1800, // [GPU] street 2024
    gpuHostUsd: 1200, // desktop host (CPU, 64 GB RAM, 1 kW PSU, case)
    computeInfraUsd: 0,
    evChargerUsd: 700, // 11 kW wallbox (2024 retail)
    evInstallUsd: 800,
    evOmUsdPerYear: 0,
    gridConnectionUsd: 500, // meter / panel work for bidirectional metering
    connectivityUsdPerYear: 0, // the household broadband already exists
    siteLeaseUsdPerYear: 0,
    lifetimeYears: 25, // [ATB] residential PV 25–30 years
    riskPremium: 0.01,
  },
};

/** Defaults for one model in one zone (costs from the zone's zone.json in `dataDir`); a fresh object each call. */
export function defaultInvestmentConfig(model: ModelId, zone: ZoneId, dataDir = DATA_DIR): InvestmentConfig {
  const z = loadZone(zone, dataDir).costs;
  const m = MODEL_DEFAULTS[model];
  const pv = z.pv[m.segment];
  const bat = z.battery[m.segment];
  const li = z.labourIndex;
  return {
    model,
    zone,
    gpuModel: m.gpuModel,
    lifetimeYears: m.lifetimeYears,
    discountRate: round6(z.wacc + m.riskPremium),
    pvDegradationPerYear: 0.005, // [IRENA, ATB] median crystalline-Si degradation (Jordan & Kurtz, NREL 2013)
    batteryFadePerYear: 0.02, // LFP ~80% capacity after 10 years of daily cycling (warranty terms 2024)
    preExistingLoads: { baseLoad: model === 'home', ev: model === 'home' },
    capex: {
      pvModulesUsdc6PerKwp: usd(pv.modulesUsdPerW * 1000),
      pvInvertersUsdc6PerKwAc: usd(pv.inverterUsdPerWac * 1000),
      pvBosUsdc6PerKwp: usd(pv.bosUsdPerW * 1000),
      pvInstallationUsdc6PerKwp: usd(pv.installUsdPerW * 1000),
      batteryUsdc6PerKwh: usd(bat.usdPerKwh),
      batteryPcsUsdc6PerKw: usd(bat.pcsUsdPerKw),
      gpuUnitUsdc6: usd(m.gpuUnitUsd), // hardware is globally priced: no zone index
      gpuHostUsdc6PerGpu: usd(m.gpuHostUsd),
      computeInfraUsdc6: usd(m.computeInfraUsd),
      evChargerUsdc6PerUnit: usd(m.evChargerUsd),
      evChargerInstallUsdc6PerUnit: usd(Math.round(m.evInstallUsd * li)),
      gridConnectionUsdc6: usd(Math.round(m.gridConnectionUsd * li)),
      softCostFraction: m.segment === 'residential' ? 0.08 : 0.1, // [NRELB] permitting, design, contingency
      incentivePvFraction: z.incentive[m.segment].pvFraction,
      incentiveBatteryFraction: z.incentive[m.segment].batteryFraction,
      incentiveCapUsdc6: usd(z.incentive[m.segment].capUsd),
    },
    opex: {
      pvOmUsdc6PerKwpYear: usd(z.pvOm[m.segment].usdPerKwYear),
      batteryOmUsdc6PerKwhYear: usd(round6(bat.usdPerKwh * 0.025)), // [ATB] storage FOM ≈ 2.5% of capex/yr
      insuranceFractionOfCapex: 0.005, // [NRELB] 0.25–0.5% of capex/yr
      connectivityUsdc6PerYear: usd(m.connectivityUsdPerYear),
      gpuMaintenanceFractionOfCapex: 0.03, // assumption: extended warranty + spares ≈ 3%/yr of hardware
      platformFeeFraction: 0.1, // Greenhour protocol fee (marketplaces: Vast.ai ~25%, Akash ~4–20%)
      evChargerOmUsdc6PerUnitYear: usd(m.evOmUsdPerYear),
      evPaymentFeeFraction: model === 'home' ? 0 : 0.03, // card / roaming fees
      siteLeaseUsdc6PerYear: usd(Math.round(m.siteLeaseUsdPerYear * li)),
    },
    replacement: {
      batteryReplacementYear: 12, // LFP warranties 10–15 years
      batteryReplacementFractionOfCapex: 0.6, // [BNEF] pack prices keep falling; BOS/labour do not
      inverterReplacementYear: 12, // [ATB] inverter life 10–15 years
      inverterReplacementFractionOfCapex: 0.8,
      gpuRefreshYears: 5, // GPU economic life: cloud providers depreciate servers over 5–6 years (10-K filings 2023)
      gpuRefreshFractionOfCapex: 0.9,
    },
    escalation: {
      electricityPerYear: 0.02, // [ESC]
      opexPerYear: 0.025, // [ESC]
      computePricePerGenerationYear: -0.12, // [ESC]
      evPricePerYear: 0.02,
      certificatePerYear: 0,
    },
    prices: {
      certificateUsdc6PerMwh: usd(z.certificateUsdPerMwh),
      carbonCreditUsdc6PerTonne: 0n,
    },
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
