import { DATA_DIR, assertZone, loadZoneYear } from './data.ts';
import { defaultArrayOrientation, optimalTiltDeg } from './pv/arrayTypes.ts';
import type { PvArrayConfig, SiteConfig, SiteType, ZoneId } from './types.ts';
import { validateSite } from './validate.ts';
import { loadZone, zoneTariff } from './zones.ts';

/**
 * Internal carbon price, USD/tCO2: low end of the USD 40-80/t range the High-Level Commission on
 * Carbon Prices (Stiglitz, Stern et al., 2017) found consistent with Paris targets for 2020.
 * Market carbon costs (EU ETS, SG carbon tax) are already inside wholesale prices.
 */
export const DEFAULT_CARBON_PRICE_USD_PER_T = 50;

// Site operating assumptions: GPU rental price per GPU-hour, demand utilisation and the EV charging price.
// This is their only definition: @greenhour/economics prices the investment from the site it simulates
// (override them through the `site` part of a `--config` file).
//  GPU rental, on-demand, Q3 2024: RunPod H100 $2.39-2.99/h, L4 $0.43/h, RTX 4090 $0.34-0.44/h; Lambda H100
//  $2.49-2.99/h; Vast.ai RTX 4090 median ~$0.35/h; Google Cloud g2 (L4) ~$0.71/h incl. vCPUs.
//  Utilisation: no audited public series; independent GPU hosts report 50-70 % of GPU-hours rented.

//  Public DC charging price charged to drivers: each zone's zone.json `evCharging` (with its source).

export { optimalTiltDeg }; // defined with the other orientation defaults in pv/arrayTypes.ts

/** PVWatts v5 defaults (Dobos 2014): standard module gamma -0.47 %/C, 14 % losses, DC/AC 1.2, 96 % inverter. */
function pvArray(
  dcCapacityW: number,
  tiltDeg: number,
  latDeg: number,
  mounting: PvArrayConfig['mounting'],
): PvArrayConfig {
  return {
    dcCapacityW,
    tiltDeg,
    azimuthDeg: defaultArrayOrientation(latDeg, mounting).azimuthDeg, // face the equator
    gammaPdcPerC: -0.0047,
    systemLossFraction: 0.14,
    dcAcRatio: 1.2,
    inverterEfficiencyNominal: 0.96,
    albedo: 0.2,
    mounting,
  };
}

/**
 * Default site for a type and zone (validated). Sizes follow the seed article's three investment
 * models; component numbers and sources are in the comments of each branch.
 */
export function defaultSite(type: SiteType, zone: ZoneId, dataDir = DATA_DIR): SiteConfig {
  assertZone(zone, dataDir);
  // latitude of the zone's weather reference point (weather.json), for default tilts
  const lat = loadZoneYear(zone, 2023, dataDir).location.latDeg;
  const info = loadZone(zone, dataDir);
  const tariff = zoneTariff(zone, type, dataDir);
  let site: SiteConfig;
  if (type === 'station') {
    site = {
      type,
      // 500 kWp ground-mount, open rack at the yield-optimal tilt
      pv: [pvArray(500_000, optimalTiltDeg(lat), lat, 'open_rack')],
      // 1 MWh / 500 kW LFP container (2 h). One-way 94 % (~88 % round trip, NREL ATB 2023 utility battery
      // assumes 85 % AC-AC). Wear: pack ~$140/kWh (BNEF 2023 pack price) / (6,000 cycles x 80 % DoD) ~ $0.03/kWh.
      battery: {
        capacityWh: 1_000_000,
        maxChargeW: 500_000,
        maxDischargeW: 500_000,
        chargeEfficiency: 0.94,
        dischargeEfficiency: 0.94,
        minSoc: 0.1,
        maxSoc: 0.95,
        initialSoc: 0.5,
        degradationUsdPerKwh: 0.03,
      },
      // 8 nodes x 8 H100-class GPUs. NVIDIA DGX H100 max 10.2 kW per 8 GPUs -> 1,275 W per GPU busy;
      // ~2 kW node idle -> 250 W per GPU. PUE 1.25 (efficient air-cooled edge DC; Uptime Institute 2023
      // global average is 1.58). Revenue $2.00/GPU-h: H100 on-demand Lambda $2.49-2.99/h, RunPod $2.39-2.99/h,
      // market ~$2 by late 2024. Utilisation 0.6: assumption, middle of the 50-70 % independent hosts report.
      gpu: {
        count: 64,
        idleW: 250,
        busyW: 1275,
        pue: 1.25,
        revenueUsdPerGpuHour: 2.0,
        unmetPenaltyUsdPerGpuHour: 1.0,
        demandUtilization: 0.6,
        demandTrace: 'alibaba',
        deadlineHours: 12,
      },
      // offices, security, lighting
      baseLoad: { meanW: 15_000, profile: 'commercial' },
      gridLimitW: 400_000,
      tariff,
      carbonPriceUsdPerTonne: DEFAULT_CARBON_PRICE_USD_PER_T,
    };
  } else if (type === 'pile') {
    site = {
      type,
      // 150 kWp carport canopy, low tilt
      pv: [pvArray(150_000, Math.min(10, optimalTiltDeg(lat)), lat, 'open_rack')],
      // 215 kWh / 100 kW C&I LFP cabinet; C&I pack replacement ~$240/kWh / 4,800 equivalent cycles ~ $0.05/kWh
      battery: {
        capacityWh: 215_000,
        maxChargeW: 100_000,
        maxDischargeW: 100_000,
        chargeEfficiency: 0.95,
        dischargeEfficiency: 0.95,
        minSoc: 0.1,
        maxSoc: 0.95,
        initialSoc: 0.5,
        degradationUsdPerKwh: 0.05,
      },
      // 6 x 50 kW DC chargers at a retail/parking site; 5 sessions per charger per day, 30 kWh mean,
      // 1.5 h mean dwell. Price: the zone's public DC price (zone.json evCharging).
      ev: {
        count: 6,
        powerW: 50_000,
        sessionsPerChargerPerDay: 5,
        meanSessionEnergyWh: 30_000,
        meanDwellHours: 1.5,
        chargePriceUsdPerKwh: info.evChargePriceUsdPerKwh,
        // Delivery is a service obligation: the penalty ($5/kWh, ~10x the price) must outweigh a demand-charge
        // increment (CA: $25/kW-month, i.e. up to $25 for one extra kWh in the peak hour is rare but a
        // 50 kW session hour at $5/kWh = $250 > 50 kW x $25 = $1,250 only over a multi-hour peak).
        unmetPenaltyUsdPerKwh: 5,
        seed: 20230101,
      },
      // Edge inference: 8 x NVIDIA L4 (72 W TDP); with host share ~180 W busy, 60 W idle per GPU; PUE 1.2.
      // Revenue $0.43/GPU-h: L4 marketplace price (RunPod Q3 2024); hyperscaler g2 ~$0.71/h includes vCPUs.
      // Utilisation 0.5: assumption, edge inference is burstier than data-centre rental.
      gpu: {
        count: 8,
        idleW: 60,
        busyW: 180,
        pue: 1.2,
        revenueUsdPerGpuHour: 0.43,
        unmetPenaltyUsdPerGpuHour: 0.3,
        demandUtilization: 0.5,
        demandTrace: 'google',
        deadlineHours: 6,
      },
      // kiosk, lighting, chargers' standby
      baseLoad: { meanW: 5_000, profile: 'commercial' },
      gridLimitW: 250_000,
      tariff,
      carbonPriceUsdPerTonne: DEFAULT_CARBON_PRICE_USD_PER_T,
    };
  } else {
    site = {
      type,
      // 6 kWp rooftop, close roof mount, tilt ~25 deg (typical pitched roof), at least the optimum for low latitudes
      pv: [pvArray(6_000, Math.min(25, optimalTiltDeg(lat)), lat, 'roof_mount')],
      // Tesla Powerwall 2 datasheet: 13.5 kWh usable, 5 kW continuous, 90 % round trip. Wear ~ $500/kWh module
      // replacement / (6,000 cycles x 80 % DoD) ~ $0.10/kWh.
      battery: {
        capacityWh: 13_500,
        maxChargeW: 5_000,
        maxDischargeW: 5_000,
        chargeEfficiency: 0.95,
        dischargeEfficiency: 0.95,
        minSoc: 0.1,
        maxSoc: 1,
        initialSoc: 0.5,
        degradationUsdPerKwh: 0.1,
      },
      // One RTX 4090 desktop: 450 W GPU TDP + host -> ~600 W busy, ~80 W idle; no cooling plant (PUE 1).
      // Revenue $0.35/GPU-h (consumer-GPU marketplaces 2024: Vast.ai RTX 4090 median ~$0.35/h, RunPod community
      // $0.34-0.44/h). Utilisation 0.4: assumption, consumer hosts on Vast.ai are rented well under half the time.
      gpu: {
        count: 1,
        idleW: 80,
        busyW: 600,
        pue: 1,
        revenueUsdPerGpuHour: 0.35,
        unmetPenaltyUsdPerGpuHour: 0.1,
        demandUtilization: 0.4,
        demandTrace: 'google',
        deadlineHours: 24,
      },
      baseLoad: { meanW: (info.householdKwhPerYear * 1000) / 8760, profile: 'household' },
      // ~40-63 A single phase / small three-phase service
      gridLimitW: 10_000,
      tariff,
      carbonPriceUsdPerTonne: DEFAULT_CARBON_PRICE_USD_PER_T,
    };
  }
  validateSite(site);
  return site;
}
