// Minimal geohash (base32, interleaved lon/lat bisection, lon first) — enough to tag sites by location.

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

export const MAX_GEOHASH_PRECISION = 12;

function assertCoordinate(value: number, field: string, limit: number): void {
  if (!Number.isFinite(value) || value < -limit || value > limit) {
    throw new Error(`${field}: must be a finite number in [-${limit}, ${limit}], got ${value}`);
  }
}

/** Encode latitude/longitude (degrees) to a geohash of `precision` characters (1..12). */
export function encodeGeohash(latDeg: number, lonDeg: number, precision = 9): string {
  assertCoordinate(latDeg, 'latDeg', 90);
  assertCoordinate(lonDeg, 'lonDeg', 180);
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_GEOHASH_PRECISION) {
    throw new Error(`precision: must be an integer in [1, ${MAX_GEOHASH_PRECISION}], got ${precision}`);
  }
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let out = '';
  let bits = 0;
  let nBits = 0;
  let lonTurn = true;
  while (out.length < precision) {
    // Upper half on ties (value >= mid), matching the reference implementation.
    if (lonTurn) {
      const mid = (lonLo + lonHi) / 2;
      if (lonDeg >= mid) {
        bits = (bits << 1) | 1;
        lonLo = mid;
      } else {
        bits <<= 1;
        lonHi = mid;
      }
    } else {
      const mid = (latLo + latHi) / 2;
      if (latDeg >= mid) {
        bits = (bits << 1) | 1;
        latLo = mid;
      } else {
        bits <<= 1;
        latHi = mid;
      }
    }
    lonTurn = !lonTurn;
    if (++nBits === 5) {
      out += BASE32[bits];
      bits = 0;
      nBits = 0;
    }
  }
  return out;
}

export interface GeohashCell {
  readonly latDeg: number;
  readonly lonDeg: number;
  /** Half-height / half-width of the cell, degrees. */
  readonly latErrDeg: number;
  readonly lonErrDeg: number;
}

/** Decode a geohash to its cell centre and half-extent. */
export function decodeGeohash(hash: string): GeohashCell {
  if (hash.length === 0 || hash.length > MAX_GEOHASH_PRECISION) {
    throw new Error(`geohash: length must be 1..${MAX_GEOHASH_PRECISION}, got ${hash.length}`);
  }
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let lonTurn = true;
  for (const ch of hash.toLowerCase()) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error(`geohash: invalid character "${ch}" in "${hash}"`);
    for (let b = 4; b >= 0; b--) {
      const bit = (v >> b) & 1;
      if (lonTurn) {
        const mid = (lonLo + lonHi) / 2;
        if (bit) lonLo = mid;
        else lonHi = mid;
      } else {
        const mid = (latLo + latHi) / 2;
        if (bit) latLo = mid;
        else latHi = mid;
      }
      lonTurn = !lonTurn;
    }
  }
  return {
    latDeg: (latLo + latHi) / 2,
    lonDeg: (lonLo + lonHi) / 2,
    latErrDeg: (latHi - latLo) / 2,
    lonErrDeg: (lonHi - lonLo) / 2,
  };
}
