import type { BatteryConfig } from './types.ts';

/** Stored-energy bounds of a battery, Wh. */
export function socBoundsWh(b: BatteryConfig): { minWh: number; maxWh: number } {
  return { minWh: b.capacityWh * b.minSoc, maxWh: b.capacityWh * b.maxSoc };
}

/**
 * One step of the battery energy model (bucket model with one-way efficiencies, as in e.g. EMHASS
 * and NREL SAM's simple dispatch): soc' = soc + eta_c * charge - discharge / eta_d.
 * `chargeWh` is drawn from the site bus, `dischargeWh` delivered to it. Throws if the step would
 * leave the SoC window or exceed power limits (beyond a 1e-6 relative tolerance), so controllers
 * cannot silently produce infeasible dispatch.
 */
export function batteryStep(
  b: BatteryConfig,
  socWh: number,
  chargeWh: number,
  dischargeWh: number,
  stepHours: number,
): number {
  const tol = 1e-6 * b.capacityWh + 1e-6;
  if (chargeWh < -tol || dischargeWh < -tol) throw new Error('battery: negative charge/discharge');
  if (chargeWh > b.maxChargeW * stepHours + tol) throw new Error(`battery: charge ${chargeWh} Wh over power limit`);
  if (dischargeWh > b.maxDischargeW * stepHours + tol) {
    throw new Error(`battery: discharge ${dischargeWh} Wh over power limit`);
  }
  const next = socWh + b.chargeEfficiency * chargeWh - dischargeWh / b.dischargeEfficiency;
  const { minWh, maxWh } = socBoundsWh(b);
  if (next < minWh - tol || next > maxWh + tol) {
    throw new Error(`battery: SoC ${next.toFixed(3)} Wh outside [${minWh}, ${maxWh}]`);
  }
  return Math.min(maxWh, Math.max(minWh, next));
}

/** Wear cost of discharging `dischargeWh`, USD. */
export function degradationUsd(b: BatteryConfig, dischargeWh: number): number {
  return (dischargeWh / 1000) * b.degradationUsdPerKwh;
}
