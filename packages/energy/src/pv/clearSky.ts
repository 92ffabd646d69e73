import { altitudeToPressurePa, relativeAirmass } from './solarPosition.ts';

const DEG = Math.PI / 180;

export interface Irradiance {
  /** Global horizontal, W/m2. */
  ghi: number;
  /** Direct normal, W/m2. */
  dni: number;
  /** Diffuse horizontal, W/m2. */
  dhi: number;
}

/**
 * Ineichen-Perez clear-sky model: P. Ineichen and R. Perez, "A new airmass independent formulation
 * for the Linke turbidity coefficient", Solar Energy 73(3):151-157, 2002; implemented as in
 * pvlib.clearsky.ineichen (without the optional Perez enhancement).
 *
 * @param apparentZenithDeg refraction-corrected zenith, degrees
 * @param linkeTurbidity    Linke turbidity TL (air-mass-2), typically 2 (very clear) .. 6 (hazy)
 * @param altitudeM         site altitude, m
 * @param dniExtra          extraterrestrial normal irradiance, W/m2
 */
export function ineichenClearSky(
  apparentZenithDeg: number,
  linkeTurbidity: number,
  altitudeM: number,
  dniExtra: number,
): Irradiance {
  if (apparentZenithDeg >= 90) return { ghi: 0, dni: 0, dhi: 0 };
  const cosZ = Math.cos(apparentZenithDeg * DEG);
  const amAbs = relativeAirmass(apparentZenithDeg) * (altitudeToPressurePa(altitudeM) / 101325);
  const tl = linkeTurbidity;
  const fh1 = Math.exp(-altitudeM / 8000);
  const fh2 = Math.exp(-altitudeM / 1250);
  const cg1 = 5.09e-5 * altitudeM + 0.868;
  const cg2 = 3.92e-5 * altitudeM + 0.0387;
  const ghi = Math.max(0, cg1 * dniExtra * cosZ * Math.exp(-cg2 * amAbs * (fh1 + fh2 * (tl - 1))));
  const b = 0.664 + 0.163 / fh1;
  const bnci = dniExtra * Math.max(b * Math.exp(-0.09 * amAbs * (tl - 1)), 0);
  const bnci2 = ghi * Math.min(Math.max((1 - (0.1 - 0.2 * Math.exp(-tl)) / (0.1 + 0.882 / fh1)) / cosZ, 0), 1e20);
  const dni = Math.min(bnci, bnci2);
  return { ghi, dni, dhi: Math.max(0, ghi - dni * cosZ) };
}
