/**
 * PVWatts v5 array types and their published parameters: A. P. Dobos, "PVWatts Version 5 Manual",
 * NREL/TP-6A20-62641, 2014, sections 3 and 5, as implemented in NREL SSC `ssc/cmod_pvwattsv5.cpp`
 * (`array_type` 0..4: INOCT, tracking mode, backtracking; GCR 0.4 and a 45 deg rotation limit for
 * one-axis trackers). For a one-axis tracker the array's tilt and azimuth are the axis's; a two-axis
 * tracker ignores them.
 */
export const PV_ARRAY_TYPES = ['open_rack', 'roof_mount', 'one_axis', 'one_axis_backtracking', 'two_axis'] as const;
export type PvArrayType = (typeof PV_ARRAY_TYPES)[number];

export interface PvArrayTypeParams {
  /** Installed nominal operating cell temperature of the Fuentes model, C. */
  inoctC: number;
  tracking: 'fixed' | 'one_axis' | 'two_axis';
  /** One-axis only: rotate back to avoid row-to-row shading (otherwise PVWatts applies self-shading). */
  backtrack: boolean;
  /**
   * Labels of the array type in a PVWatts hourly output file ("Array Type:" header line), compared
   * case-insensitively. The fixed ones are those of the two pvlib test files; the tracker labels are
   * the PVWatts web form's names, not yet seen in an exported file.
   */
  pvwattsLabels: readonly string[];
}

export const PVWATTS_ARRAY_TYPE: Readonly<Record<PvArrayType, PvArrayTypeParams>> = {
  open_rack: { inoctC: 45, tracking: 'fixed', backtrack: false, pvwattsLabels: ['Fixed (open rack)'] },
  roof_mount: { inoctC: 49, tracking: 'fixed', backtrack: false, pvwattsLabels: ['Fixed (roof mount)'] },
  one_axis: { inoctC: 45, tracking: 'one_axis', backtrack: false, pvwattsLabels: ['1-Axis', '1-Axis Tracking'] },
  one_axis_backtracking: {
    inoctC: 45,
    tracking: 'one_axis',
    backtrack: true,
    pvwattsLabels: ['1-Axis Backtracking', '1-Axis Backtracked'],
  },
  two_axis: { inoctC: 45, tracking: 'two_axis', backtrack: false, pvwattsLabels: ['2-Axis', '2-Axis Tracking'] },
};

/** PVWatts v5 one-axis tracker: ground coverage ratio (SSC default `gcr` 0.4) and rotation limit, degrees. */
export const PVWATTS_DEFAULT_GCR = 0.4;
export const PVWATTS_ROTATION_LIMIT_DEG = 45;

/**
 * Fixed-tilt yield-optimal tilt, M. Z. Jacobson and V. Jadhav, "World estimates of PV optimal tilt
 * angles and ratios of sunlight incident upon tilted and tracked PV panels", Solar Energy 169:55-66,
 * 2018: tilt ~ 0.764 |lat| + 2.14 deg (their fit; the same in both hemispheres by |lat|), with a 5 deg
 * minimum for self-cleaning; rounded to whole degrees.
 */
export function optimalTiltDeg(latDeg: number): number {
  return Math.max(5, Math.round(0.764 * Math.abs(latDeg) + 2.14));
}

/**
 * Default orientation of an array whose tilt and azimuth are not given, by hemisphere. Fixed arrays
 * face the equator, azimuth 180 (north of the equator, latitude >= 0) or 0 (south), the PVWatts
 * default rule (SSC lib_pvwatts.cpp history: "Default azimuth set based on if north or south
 * hemisphere ... If latitude below equator, set default tilt to abs value"), at the yield-optimal tilt
 * above. One-axis trackers: horizontal north-south axis (tilt 0, azimuth 180), the PVWatts tracker
 * default; two-axis trackers ignore both (0, 180 for the record).
 *
 * @param latDeg latitude, degrees north, [-90, 90]
 */
export function defaultArrayOrientation(latDeg: number, type: PvArrayType): { tiltDeg: number; azimuthDeg: number } {
  if (!Number.isFinite(latDeg) || latDeg < -90 || latDeg > 90) {
    throw new Error(`latDeg: must be a latitude in [-90, 90], got ${latDeg}`);
  }
  if (PVWATTS_ARRAY_TYPE[type] === undefined) {
    throw new Error(`mounting: unknown array type ${JSON.stringify(type)} (expected ${PV_ARRAY_TYPES.join(', ')})`);
  }
  if (PVWATTS_ARRAY_TYPE[type].tracking !== 'fixed') return { tiltDeg: 0, azimuthDeg: 180 };
  return { tiltDeg: optimalTiltDeg(latDeg), azimuthDeg: latDeg >= 0 ? 180 : 0 };
}
