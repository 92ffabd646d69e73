const DEG = Math.PI / 180;

export interface SolarPosition {
  /** True (geometric) zenith angle, degrees. */
  zenithDeg: number;
  /** Apparent zenith (refraction-corrected), degrees: use this for irradiance. */
  apparentZenithDeg: number;
  /** Azimuth, degrees clockwise from north (0..360). */
  azimuthDeg: number;
  /** Solar declination, degrees. */
  declinationDeg: number;
  /** Equation of time, minutes. */
  equationOfTimeMin: number;
  /** Earth-sun distance, AU. */
  earthSunAu: number;
}

/**
 * Solar position from the NOAA Solar Calculator algorithm, which implements the low-precision
 * formulas of J. Meeus, "Astronomical Algorithms" (1991), ch. 24-25 (accuracy ~0.01 deg for
 * 1800-2100). Atmospheric refraction as in NREL SPA (Reda & Andreas 2004, NREL/TP-560-34302, eq. 42),
 * i.e. Bennett's formula scaled by pressure and temperature.
 *
 * @param unixS        time, UTC seconds since the epoch
 * @param latDeg       latitude, degrees north
 * @param lonDeg       longitude, degrees east
 * @param pressureMbar surface pressure for refraction, mbar (default 1010)
 * @param tempC        air temperature for refraction, C (default 10)
 */
export function solarPosition(
  unixS: number,
  latDeg: number,
  lonDeg: number,
  pressureMbar = 1010,
  tempC = 10,
): SolarPosition {
  const jd = unixS / 86400 + 2440587.5;
  const T = (jd - 2451545) / 36525; // Julian centuries since J2000.0
  const L0 = mod360(280.46646 + T * (36000.76983 + 0.0003032 * T)); // geometric mean longitude
  const M = 357.52911 + T * (35999.05029 - 0.0001537 * T); // mean anomaly
  const e = 0.016708634 - T * (0.000042037 + 0.0000001267 * T); // orbit eccentricity
  const C =
    Math.sin(M * DEG) * (1.914602 - T * (0.004817 + 0.000014 * T)) +
    Math.sin(2 * M * DEG) * (0.019993 - 0.000101 * T) +
    Math.sin(3 * M * DEG) * 0.000289; // equation of centre
  const trueLong = L0 + C;
  const trueAnom = M + C;
  const R = (1.000001018 * (1 - e * e)) / (1 + e * Math.cos(trueAnom * DEG));
  const omega = 125.04 - 1934.136 * T;
  const lambda = trueLong - 0.00569 - 0.00478 * Math.sin(omega * DEG); // apparent longitude
  const eps0 = 23 + (26 + (21.448 - T * (46.815 + T * (0.00059 - T * 0.001813))) / 60) / 60;
  const eps = eps0 + 0.00256 * Math.cos(omega * DEG); // corrected obliquity
  const decl = Math.asin(Math.sin(eps * DEG) * Math.sin(lambda * DEG));
  const y = Math.tan((eps / 2) * DEG) ** 2;
  const eot =
    (4 / DEG) *
    (y * Math.sin(2 * L0 * DEG) -
      2 * e * Math.sin(M * DEG) +
      4 * e * y * Math.sin(M * DEG) * Math.cos(2 * L0 * DEG) -
      0.5 * y * y * Math.sin(4 * L0 * DEG) -
      1.25 * e * e * Math.sin(2 * M * DEG));
  const utcMin = (((unixS % 86400) + 86400) % 86400) / 60;
  const trueSolarMin = utcMin + eot + 4 * lonDeg;
  let ha = trueSolarMin / 4 - 180; // hour angle, degrees
  ha = ((((ha + 180) % 360) + 360) % 360) - 180;
  const lat = latDeg * DEG;
  const cosZ = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(ha * DEG);
  const zen = Math.acos(Math.min(1, Math.max(-1, cosZ))) / DEG;
  const az = mod360(
    Math.atan2(Math.sin(ha * DEG), Math.cos(ha * DEG) * Math.sin(lat) - Math.tan(decl) * Math.cos(lat)) / DEG + 180,
  );
  const elev = 90 - zen;
  // SPA eq. 42; only applied while the sun is above about -0.83 deg (SPA's sun-radius + refraction limit).
  const refr =
    elev >= -0.83337
      ? (pressureMbar / 1010) * (283 / (273 + tempC)) * (1.02 / (60 * Math.tan((elev + 10.3 / (elev + 5.11)) * DEG)))
      : 0;
  return {
    zenithDeg: zen,
    apparentZenithDeg: zen - refr,
    azimuthDeg: az,
    declinationDeg: decl / DEG,
    equationOfTimeMin: eot,
    earthSunAu: R,
  };
}

/**
 * Extraterrestrial normal irradiance, W/m2: solar constant 1361 W/m2 (Kopp & Lean 2011) scaled by
 * the inverse square of the Earth-sun distance.
 */
export function extraterrestrialIrradiance(earthSunAu: number): number {
  return 1361 / (earthSunAu * earthSunAu);
}

/**
 * Relative optical air mass, Kasten & Young (1989), Applied Optics 28(22):4735, from the apparent
 * zenith angle in degrees. NaN for zenith >= 90.
 */
export function relativeAirmass(apparentZenithDeg: number): number {
  if (apparentZenithDeg >= 90) return NaN;
  const z = apparentZenithDeg;
  return 1 / (Math.cos(z * DEG) + 0.50572 * (96.07995 - z) ** -1.6364);
}

/** Surface pressure from altitude, Pa (standard atmosphere, as pvlib.atmosphere.alt2pres). */
export function altitudeToPressurePa(altitudeM: number): number {
  return 100 * ((44331.514 - altitudeM) / 11880.516) ** (1 / 0.1902632);
}

function mod360(x: number): number {
  return ((x % 360) + 360) % 360;
}
