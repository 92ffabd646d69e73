/**
 * Sandia Array Performance Model cell temperature: D. L. King, W. E. Boyson, J. A. Kratochvil,
 * "Photovoltaic Array Performance Model", SAND2004-3535, 2004, eqs. 11-12 (as
 * pvlib.temperature.sapm_cell):
 *   T_module = E * exp(a + b * WS) + T_air;   T_cell = T_module + E / 1000 * dT
 *
 * @param poaWm2   plane-of-array irradiance, W/m2
 * @param tAirC    ambient temperature, C
 * @param windMs   wind speed, m/s (at 10 m)
 * @param mounting 'open_rack' (glass/polymer, a=-3.56, b=-0.075, dT=3) or
 *                 'roof_mount' (glass/glass close roof mount, a=-2.98, b=-0.0471, dT=1)
 */
export function sapmCellTemperature(
  poaWm2: number,
  tAirC: number,
  windMs: number,
  mounting: 'open_rack' | 'roof_mount',
): number {
  const p = mounting === 'open_rack' ? { a: -3.56, b: -0.075, dT: 3 } : { a: -2.98, b: -0.0471, dT: 1 };
  const e = Math.max(0, poaWm2);
  const tModule = e * Math.exp(p.a + p.b * Math.max(0, windMs)) + tAirC;
  return tModule + (e / 1000) * p.dT;
}
