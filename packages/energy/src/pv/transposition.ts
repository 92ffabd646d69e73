const DEG = Math.PI / 180;

/** Cosine of the angle of incidence of beam light on a tilted surface (may be negative = behind). */
export function cosAngleOfIncidence(
  surfaceTiltDeg: number,
  surfaceAzimuthDeg: number,
  zenithDeg: number,
  azimuthDeg: number,
): number {
  const t = surfaceTiltDeg * DEG;
  const z = zenithDeg * DEG;
  return Math.cos(z) * Math.cos(t) + Math.sin(z) * Math.sin(t) * Math.cos((azimuthDeg - surfaceAzimuthDeg) * DEG);
}

export interface PoaIrradiance {
  /** Total plane-of-array irradiance, W/m2. */
  poaGlobal: number;
  poaBeam: number;
  poaSkyDiffuse: number;
  poaGroundDiffuse: number;
  /** Angle of incidence, degrees. */
  aoiDeg: number;
}

/**
 * Plane-of-array irradiance with the Hay-Davies anisotropic sky model: J. E. Hay and J. A. Davies,
 * "Calculation of the solar radiation incident on an inclined surface", Proc. First Canadian Solar
 * Radiation Data Workshop, 1980, p. 59-72 (as pvlib.irradiance.haydavies); ground-reflected term is
 * isotropic: GHI * albedo * (1 - cos tilt) / 2.
 * All irradiances W/m2, angles degrees; azimuths clockwise from north.
 */
export function haydaviesPoa(
  surfaceTiltDeg: number,
  surfaceAzimuthDeg: number,
  zenithDeg: number,
  azimuthDeg: number,
  dni: number,
  ghi: number,
  dhi: number,
  dniExtra: number,
  albedo: number,
): PoaIrradiance {
  const cosAoi = cosAngleOfIncidence(surfaceTiltDeg, surfaceAzimuthDeg, zenithDeg, azimuthDeg);
  const aoiDeg = Math.acos(Math.min(1, Math.max(-1, cosAoi))) / DEG;
  const cosT = Math.cos(surfaceTiltDeg * DEG);
  const ground = ghi * albedo * (1 - cosT) * 0.5;
  if (zenithDeg >= 90) {
    const sky = dhi * (1 + cosT) * 0.5;
    return { poaGlobal: sky + ground, poaBeam: 0, poaSkyDiffuse: sky, poaGroundDiffuse: ground, aoiDeg };
  }
  const cosZ = Math.max(Math.cos(zenithDeg * DEG), 0.01745); // pvlib clamps at cos(89 deg)
  const rb = Math.max(cosAoi, 0) / cosZ;
  const ai = dniExtra > 0 ? Math.min(1, Math.max(0, dni / dniExtra)) : 0; // anisotropy index
  const sky = Math.max(0, dhi * (ai * rb + (1 - ai) * (1 + cosT) * 0.5));
  const beam = Math.max(0, dni * Math.max(cosAoi, 0));
  return { poaGlobal: beam + sky + ground, poaBeam: beam, poaSkyDiffuse: sky, poaGroundDiffuse: ground, aoiDeg };
}
