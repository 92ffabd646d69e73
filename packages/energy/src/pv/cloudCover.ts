import type { Irradiance } from './clearSky.ts';

const DEG = Math.PI / 180;

/**
 * GHI under cloud cover, F. Kasten and G. Czeplak, "Solar and terrestrial radiation dependent on the
 * amount and type of cloud", Solar Energy 24(2):177-189, 1980: GHI = GHI_clear * (1 - 0.75 * c^3.4).
 *
 * @param ghiClear   clear-sky GHI, W/m2
 * @param cloudFrac  total cloud cover, fraction 0..1 (Open-Meteo gives %, divide by 100)
 */
export function kastenCzeplakGhi(ghiClear: number, cloudFrac: number): number {
  const c = Math.min(1, Math.max(0, cloudFrac));
  return ghiClear * (1 - 0.75 * c ** 3.4);
}

/**
 * Erbs decomposition of GHI into DNI and DHI: D. G. Erbs, S. A. Klein, J. A. Duffie, "Estimation of
 * the diffuse radiation fraction for hourly, daily and monthly-average global radiation", Solar
 * Energy 28(4):293-302, 1982 (as pvlib.irradiance.erbs, DNI forced to 0 beyond 87 deg zenith).
 *
 * @param ghi       W/m2
 * @param zenithDeg degrees
 * @param dniExtra  extraterrestrial normal irradiance, W/m2
 */
export function erbs(ghi: number, zenithDeg: number, dniExtra: number): Irradiance {
  const cosZ = Math.cos(zenithDeg * DEG);
  if (ghi <= 0 || cosZ <= 0) return { ghi: Math.max(0, ghi), dni: 0, dhi: Math.max(0, ghi) };
  // clearness index; pvlib caps the horizontal extraterrestrial term at cos(z) >= 0.065 and kt <= 1
  const kt = Math.min(1, Math.max(0, ghi / (dniExtra * Math.max(cosZ, 0.065))));
  let df: number;
  if (kt <= 0.22) df = 1 - 0.09 * kt;
  else if (kt <= 0.8) df = 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  else df = 0.165;
  const dhi = df * ghi;
  const dni = zenithDeg >= 87 ? 0 : Math.max(0, (ghi - dhi) / cosZ);
  return { ghi, dni, dhi: zenithDeg >= 87 ? ghi : dhi };
}
