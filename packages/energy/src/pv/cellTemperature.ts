/** SAPM thermal coefficients of a module and mounting (King et al. 2004, table 1). */
export interface SapmThermalParams {
  /** Module temperature coefficient a (upper limit at low wind), dimensionless (ln). */
  a: number;
  /** Wind coefficient b, s/m. */
  b: number;
  /** Cell-to-module temperature difference at 1000 W/m2, C. */
  deltaTC: number;
}

/** King et al. 2004 table 1: glass/polymer module, open rack (pvlib 'open_rack_glass_polymer'). */
export const SAPM_OPEN_RACK_GLASS_POLYMER: SapmThermalParams = { a: -3.56, b: -0.075, deltaTC: 3 };
/** King et al. 2004 table 1: glass/glass module, close roof mount (pvlib 'close_mount_glass_glass'). */
export const SAPM_CLOSE_MOUNT_GLASS_GLASS: SapmThermalParams = { a: -2.98, b: -0.0471, deltaTC: 1 };

/**
 * Sandia Array Performance Model cell temperature: D. L. King, W. E. Boyson, J. A. Kratochvil,
 * "Photovoltaic Array Performance Model", SAND2004-3535, 2004, eqs. 11-12 (as
 * pvlib.temperature.sapm_cell):
 *   T_module = E * exp(a + b * WS) + T_air;   T_cell = T_module + E / 1000 * dT
 * For arrays whose module's own SAPM coefficients are known; PVWatts arrays use
 * `pvwattsCellTemperature` (Fuentes) instead.
 *
 * @param poaWm2 plane-of-array irradiance, W/m2
 * @param tAirC  ambient temperature, C
 * @param windMs wind speed, m/s (at 10 m)
 * @param p      thermal coefficients
 */
export function sapmCellTemperature(poaWm2: number, tAirC: number, windMs: number, p: SapmThermalParams): number {
  const e = Math.max(0, poaWm2);
  const tModule = e * Math.exp(p.a + p.b * Math.max(0, windMs)) + tAirC;
  return tModule + (e / 1000) * p.deltaTC;
}
