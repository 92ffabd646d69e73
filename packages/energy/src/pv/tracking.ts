const DEG = Math.PI / 180;
const sind = (x: number): number => Math.sin(x * DEG);
const cosd = (x: number): number => Math.cos(x * DEG);
const tand = (x: number): number => Math.tan(x * DEG);

export interface SurfaceOrientation {
  /** Surface tilt from horizontal, degrees. */
  tiltDeg: number;
  /** Surface azimuth, degrees clockwise from north, [0, 360). */
  azimuthDeg: number;
}

export interface TrackerPosition extends SurfaceOrientation {
  /** Tracker rotation about its axis, degrees; right-handed, so for a south-pointing axis > 0 faces west. */
  rotationDeg: number;
  /** Rotation a true-tracking (not backtracking) tracker would take, degrees (before the rotation limit). */
  trueTrackingDeg: number;
  /** Angle of incidence of the beam on the rotated surface, degrees. */
  aoiDeg: number;
}

/**
 * True-tracking rotation of a one-axis tracker: the rotation that puts the sun in the plane normal to
 * the surface containing the axis. W. F. Marion and A. P. Dobos, "Rotation Angle for the Optimum
 * Tracking of One-Axis Trackers", NREL/TP-6A20-58891, 2013, eqs. 4-5 (pvlib
 * shading.projected_solar_zenith_angle; SSC lib_irradproc.cpp `truetrack`). Angles in degrees.
 */
export function trueTrackingRotationDeg(
  zenithDeg: number,
  solarAzimuthDeg: number,
  axisTiltDeg: number,
  axisAzimuthDeg: number,
): number {
  const sx = sind(zenithDeg) * sind(solarAzimuthDeg);
  const sy = sind(zenithDeg) * cosd(solarAzimuthDeg);
  const sz = cosd(zenithDeg);
  const sxp = sx * cosd(axisAzimuthDeg) - sy * sind(axisAzimuthDeg);
  const szp =
    sx * sind(axisAzimuthDeg) * sind(axisTiltDeg) +
    sy * sind(axisTiltDeg) * cosd(axisAzimuthDeg) +
    sz * cosd(axisTiltDeg);
  return Math.atan2(sxp, szp) / DEG;
}

/**
 * Surface tilt and azimuth of a one-axis tracker at rotation `rotationDeg`: Marion & Dobos 2013 eq. 1
 * for the tilt, azimuth from the rotated unit normal R = Rz(-axis azimuth) Rx(-axis tilt) Ry(rotation)
 * applied to (0, 0, 1) (pvlib tracking.calc_surface_orientation). A flat surface gets azimuth
 * axis azimuth - 90, as in pvlib.
 */
export function trackerSurfaceOrientation(
  rotationDeg: number,
  axisTiltDeg: number,
  axisAzimuthDeg: number,
): SurfaceOrientation {
  const tiltDeg = Math.acos(Math.min(1, Math.max(-1, cosd(rotationDeg) * cosd(axisTiltDeg)))) / DEG;
  const cA = cosd(-axisAzimuthDeg);
  const sA = sind(-axisAzimuthDeg);
  const cT = cosd(-axisTiltDeg);
  const sT = sind(-axisTiltDeg);
  const x = sA * sT * cosd(rotationDeg) + cA * sind(rotationDeg);
  const y = sA * sind(rotationDeg) - cA * sT * cosd(rotationDeg);
  const az = tiltDeg === 0 ? axisAzimuthDeg - 90 : Math.atan2(x, y) / DEG;
  return { tiltDeg, azimuthDeg: ((az % 360) + 360) % 360 };
}

/**
 * One-axis tracker with optional backtracking on flat ground. Backtracking (rows rotate back so that
 * no row shades the next): K. S. Anderson and M. A. Mikofski, "Slope-Aware Backtracking for
 * Single-Axis Trackers", NREL/TP-5K00-76626, 2020, eq. 14 with zero cross-axis slope, which on flat
 * ground is E. Lorenzo, L. Narvarte, J. Munoz, "Tracking and back-tracking", Prog. Photovolt. 19(6),
 * 2011: theta = theta_T - sign(theta_T) acos(|cos theta_T| / GCR) while |cos theta_T| / GCR < 1
 * (pvlib tracking.singleaxis; SSC `backtrack`). PVWatts v5 uses a 45 deg rotation limit and GCR 0.4.
 *
 * @param apparentZenithDeg sun zenith (refraction-corrected), degrees
 * @param solarAzimuthDeg   sun azimuth, degrees clockwise from north
 * @param axisTiltDeg       axis tilt from horizontal, degrees
 * @param axisAzimuthDeg    direction the axis points (its lower end faces it), degrees clockwise from north
 * @param maxAngleDeg       rotation limit, degrees (symmetric)
 * @param backtrack         rotate back to avoid row-to-row shading
 * @param gcr               ground coverage ratio, module width / row pitch (0, 1]
 * @returns the tracker position, or null with the sun below the horizon (zenith > 90)
 */
export function singleAxisTracker(
  apparentZenithDeg: number,
  solarAzimuthDeg: number,
  axisTiltDeg: number,
  axisAzimuthDeg: number,
  maxAngleDeg: number,
  backtrack: boolean,
  gcr: number,
): TrackerPosition | null {
  if (!(apparentZenithDeg <= 90)) return null;
  const ideal = trueTrackingRotationDeg(apparentZenithDeg, solarAzimuthDeg, axisTiltDeg, axisAzimuthDeg);
  let rot = ideal;
  if (backtrack) {
    const temp = Math.abs(cosd(ideal)) / gcr;
    if (temp < 1) rot = ideal - Math.sign(ideal) * (Math.acos(temp) / DEG);
  }
  rot = Math.min(maxAngleDeg, Math.max(-maxAngleDeg, rot));
  const s = trackerSurfaceOrientation(rot, axisTiltDeg, axisAzimuthDeg);
  const cosAoi =
    cosd(apparentZenithDeg) * cosd(s.tiltDeg) +
    sind(apparentZenithDeg) * sind(s.tiltDeg) * cosd(solarAzimuthDeg - s.azimuthDeg);
  const aoiDeg = Math.acos(Math.min(1, Math.max(-1, cosAoi))) / DEG;
  return { ...s, rotationDeg: rot, trueTrackingDeg: ideal, aoiDeg };
}

/**
 * Two-axis tracker: the surface normal points at the sun (tilt = zenith, azimuth = solar azimuth,
 * incidence 0), as PVWatts v5 / SSC `incidence` mode 2 (Dobos 2014).
 */
export function twoAxisTracker(apparentZenithDeg: number, solarAzimuthDeg: number): SurfaceOrientation {
  return { tiltDeg: Math.min(90, Math.max(0, apparentZenithDeg)), azimuthDeg: solarAzimuthDeg };
}

/**
 * Fraction of a one-axis tracker row's width shaded by the neighbouring row (beam), flat ground:
 * SSC lib_irradproc.cpp `shadeFraction1x` (the closed form adopted 2020-10-15), which PVWatts v5
 * applies to the beam of a one-axis array without backtracking:
 *   f = (GCR cos R + GCR sin R tan T - 1) / (GCR (sin R tan T + cos R)), clipped to [0, 1],
 * R the actual rotation, T the true-tracking rotation (degrees in, fraction out).
 */
export function oneAxisShadeFraction(rotationDeg: number, trueTrackingDeg: number, gcr: number): number {
  const tanT = tand(trueTrackingDeg);
  const f =
    (gcr * cosd(rotationDeg) + gcr * sind(rotationDeg) * tanT - 1) /
    (gcr * (sind(rotationDeg) * tanT + cosd(rotationDeg)));
  return Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0;
}

/**
 * Sky-diffuse derate of a row among infinitely many rows of the same tilt (isotropic sky): the mean,
 * over the module's width, of the sky view left by the row in front relative to an unobstructed
 * surface, 250-point integration. SSC lib_pvshade.cpp `sssky_diffuse_table::compute` (C. Deline,
 * NREL), used by PVWatts v5 for one-axis arrays without backtracking.
 *
 * @param surfaceTiltDeg surface tilt, degrees
 * @param gcr            ground coverage ratio
 * @returns factor in [0, 1]
 */
export function rowSkyDiffuseFactor(surfaceTiltDeg: number, gcr: number): number {
  const nSteps = 250;
  const step = 1 / nSteps;
  const tanT = tand(surfaceTiltDeg);
  const sinT = sind(surfaceTiltDeg);
  const aSky = Math.PI + Math.PI / Math.sqrt(1 + tanT * tanT);
  let sum = 0;
  for (let n = 0; n < nSteps; n++) {
    const arg = surfaceTiltDeg !== 0 ? 1 / tanT - 1 / (gcr * sinT * (1 - n * step)) : NaN;
    const gamma = -Math.PI / 2 + Math.atan(arg);
    const tg = Math.tan(surfaceTiltDeg * DEG + gamma);
    let aShade = Math.PI + Math.PI / Math.sqrt(1 + tg * tg);
    if (Number.isNaN(aShade)) aShade = aSky;
    else if (surfaceTiltDeg * DEG + gamma > Math.PI / 2) aShade = 2 * Math.PI - aShade;
    sum += (aShade / aSky) * step;
  }
  return Math.min(1, sum);
}

/**
 * Ground-reflected irradiance reaching a row among `nRows` rows (the ground between rows partly shaded
 * and partly hidden): SSC lib_pvshade.cpp `diffuse_reduce` (nRows = 1000 in PVWatts v5), relative to
 * the isotropic ground term albedo sin^2(tilt / 2) GHI.
 *
 * @returns factor >= 0 to multiply the isotropic ground-reflected irradiance by (1 when GHI is 0)
 */
export function rowGroundDiffuseFactor(
  zenithDeg: number,
  surfaceTiltDeg: number,
  dni: number,
  dhi: number,
  gcr: number,
  albedo: number,
  nRows = 1000,
): number {
  const gbh = dni * cosd(zenithDeg);
  const B = 1;
  const R = B / gcr;
  const solalt = 90 - zenithDeg;
  const F1 = albedo * sind(surfaceTiltDeg / 2) ** 2;
  const Y1 = Math.max(0.00001, R - (B * sind(180 - solalt - surfaceTiltDeg)) / sind(solalt));
  const F2 =
    0.5 * albedo * (1 + Y1 / B - Math.sqrt(Y1 ** 2 / B ** 2 - ((2 * Y1) / B) * cosd(180 - surfaceTiltDeg) + 1));
  const F3 = 0.5 * albedo * (1 + R / B - Math.sqrt(R ** 2 / B ** 2 - ((2 * R) / B) * cosd(180 - surfaceTiltDeg) + 1));
  const gr1 = F1 * (gbh + dhi);
  if (!(gr1 > 0)) return 1;
  const reduced = ((F1 + (nRows - 1) * F2) / nRows) * gbh + ((F1 + (nRows - 1) * F3) / nRows) * dhi;
  return Math.max(0, reduced / gr1);
}
