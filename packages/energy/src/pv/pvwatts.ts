const DEG = Math.PI / 180;

/**
 * Incidence angle modifier for a glass cover, physical (Fresnel + Bouguer absorption) model used by
 * PVWatts v5: W. De Soto, S. A. Klein, W. A. Beckman, "Improvement and validation of a model for
 * photovoltaic array performance", Solar Energy 80(1):78-88, 2006, with n = 1.526, K = 4 /m,
 * L = 0.002 m (as pvlib.iam.physical), normalised to 1 at normal incidence.
 */
export function physicalIam(aoiDeg: number, n = 1.526, K = 4, L = 0.002): number {
  if (aoiDeg >= 90) return 0;
  const tau = (theta: number): number => {
    if (theta < 1e-6) {
      const r0 = ((1 - n) / (1 + n)) ** 2;
      return Math.exp(-K * L) * (1 - r0);
    }
    const thr = Math.asin(Math.sin(theta) / n);
    const rs = Math.sin(thr - theta) ** 2 / Math.sin(thr + theta) ** 2;
    const rp = Math.tan(thr - theta) ** 2 / Math.tan(thr + theta) ** 2;
    return Math.exp(-(K * L) / Math.cos(thr)) * (1 - 0.5 * (rs + rp));
  };
  return Math.max(0, tau(aoiDeg * DEG) / tau(0));
}

/**
 * PVWatts v5 DC power, A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014, eq. 2:
 *   P_dc = E_tr / 1000 * P_dc0 * (1 + gamma * (T_cell - 25)),  then times (1 - system losses).
 *
 * @param poaTransmitted plane-of-array irradiance reaching the cells (after cover reflection), W/m2
 * @param cellTempC      cell temperature, C
 * @param pdc0W          nameplate DC rating at STC, W
 * @param gammaPerC      temperature coefficient of power, 1/C (e.g. -0.0047)
 * @param lossFraction   total system losses (soiling, wiring, mismatch, ...), fraction (0.14 default)
 * @returns DC power after losses, W (>= 0)
 */
export function pvwattsDc(
  poaTransmitted: number,
  cellTempC: number,
  pdc0W: number,
  gammaPerC: number,
  lossFraction: number,
): number {
  const p = (poaTransmitted / 1000) * pdc0W * (1 + gammaPerC * (cellTempC - 25));
  return Math.max(0, p * (1 - lossFraction));
}

/**
 * PVWatts v5 inverter model, Dobos 2014 eqs. 8-10 (efficiency curve fitted to CEC data, reference
 * efficiency 0.9637), clipped at the AC rating:
 *   zeta = P_dc / P_dc0_inv,  eta = eta_nom / 0.9637 * (-0.0162 zeta - 0.0059 / zeta + 0.9858)
 *
 * @param pdcW    DC input, W
 * @param pac0W   inverter AC rating, W (= P_dc0 / DC-to-AC ratio)
 * @param etaNom  nominal inverter efficiency (0.96 default)
 * @returns AC power, W (>= 0)
 */
export function pvwattsInverter(pdcW: number, pac0W: number, etaNom: number): number {
  if (pdcW <= 0 || pac0W <= 0) return 0;
  const pdc0Inv = pac0W / etaNom;
  const zeta = pdcW / pdc0Inv;
  const eta = (etaNom / 0.9637) * (-0.0162 * zeta - 0.0059 / zeta + 0.9858);
  return Math.min(pac0W, Math.max(0, eta * pdcW));
}
