// The reference rendering workload: tiles of a ray-traced scene, as assembly/render.ts renders them in WebAssembly, and
// the same kernel in plain JavaScript (the tests' oracle and the bench's baseline). Q16.16 fixed point throughout; the
// JavaScript twin does the same integer arithmetic in doubles, exact because the scene's bounds keep every product
// below 2^53, with WebAssembly's truncating division. `tilesToPng` stitches tiles into an image a person can look at.
import { deflateSync } from 'node:zlib';
import { InputError } from '@greenhour/errors';

const ONE = 65536;
const FLOOR_Y = -ONE;
const AMBIENT = 13107;
const LIMIT = 64 * ONE;
const FAR = 128 * ONE;
const HEADER_BYTES = 40;
const SPHERE_BYTES = 20;

export interface Sphere {
  /** Centre and radius in scene units (the kernel takes them in Q16.16). */
  x: number;
  y: number;
  z: number;
  r: number;
  /** 0xRRGGBB */
  colour: number;
}

export interface Scene {
  width: number;
  height: number;
  light: { x: number; y: number; z: number };
  spheres: readonly Sphere[];
}

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A scene a user would recognise: three coloured balls on a checkered floor under one light. */
export const DEMO_SCENE: Scene = {
  width: 256,
  height: 160,
  light: { x: -4, y: 6, z: 0 },
  spheres: [
    { x: 0, y: 0, z: -4, r: 1, colour: 0xd03030 },
    { x: 2.2, y: -0.3, z: -5, r: 0.7, colour: 0x30a040 },
    { x: -2.1, y: -0.4, z: -3.5, r: 0.6, colour: 0x3060d0 },
  ],
};

const q16 = (field: string, v: number): number => {
  const q = Math.round(v * ONE);
  if (!Number.isFinite(v) || Math.abs(q) > LIMIT) throw new InputError(field, `must lie within ±64, got ${v}`);
  return q;
};

/** The kernel's input for one tile of `scene`. Throws InputError naming the field out of range. */
export function renderInput(scene: Scene, tile: Tile): Uint8Array {
  for (const k of ['width', 'height'] as const)
    if (!Number.isInteger(scene[k]) || scene[k] < 1 || scene[k] > 16_384)
      throw new InputError(k, `must be an integer from 1 to 16,384, got ${scene[k]}`);
  const inImage =
    Number.isInteger(tile.x) && Number.isInteger(tile.y) && Number.isInteger(tile.w) && Number.isInteger(tile.h);
  if (!inImage || tile.x < 0 || tile.y < 0 || tile.w < 1 || tile.h < 1)
    throw new InputError('tile', 'must be whole pixels, at least 1 × 1');
  if (tile.x + tile.w > scene.width || tile.y + tile.h > scene.height)
    throw new InputError('tile', `must lie inside the ${scene.width} × ${scene.height} image`);
  if (scene.spheres.length > 1024) throw new InputError('spheres', `at most 1,024, got ${scene.spheres.length}`);
  const buf = new Uint8Array(HEADER_BYTES + SPHERE_BYTES * scene.spheres.length);
  const v = new DataView(buf.buffer);
  [scene.width, scene.height, tile.x, tile.y, tile.w, tile.h].forEach((x, i) => v.setInt32(4 * i, x, true));
  v.setInt32(24, q16('light.x', scene.light.x), true);
  v.setInt32(28, q16('light.y', scene.light.y), true);
  v.setInt32(32, q16('light.z', scene.light.z), true);
  v.setInt32(36, scene.spheres.length, true);
  scene.spheres.forEach((s, k) => {
    const o = HEADER_BYTES + SPHERE_BYTES * k;
    const f = `spheres.${k}`;
    v.setInt32(o, q16(`${f}.x`, s.x), true);
    v.setInt32(o + 4, q16(`${f}.y`, s.y), true);
    v.setInt32(o + 8, q16(`${f}.z`, s.z), true);
    const r = q16(`${f}.r`, s.r);
    if (r <= 0) throw new InputError(`${f}.r`, `must be above 0, got ${s.r}`);
    v.setInt32(o + 12, r, true);
    if (!Number.isInteger(s.colour) || s.colour < 0 || s.colour > 0xffffff)
      throw new InputError(`${f}.colour`, `must be 0xRRGGBB, got ${s.colour}`);
    v.setUint32(o + 16, s.colour, true);
  });
  return buf;
}

/** WebAssembly's i64.div_s: the quotient truncated towards zero, exact for operands below 2^53. */
function div(a: number, b: number): number {
  let q = Math.trunc(a / b);
  // the double quotient may round across an integer: a truncated quotient leaves a remainder of a's sign below |b|
  const r = a - q * b;
  const sameSign = a < 0 === b < 0;
  if (r !== 0 && r < 0 !== a < 0) q += sameSign ? -1 : 1;
  else if (Math.abs(r) >= Math.abs(b)) q += sameSign ? 1 : -1;
  return q;
}
const mul = (a: number, b: number) => Math.floor((a * b) / ONE);
function isqrt(v: number): number {
  if (v <= 0) return 0;
  let x = v;
  let y = Math.floor((x + 1) / 2);
  while (y < x) {
    x = y;
    y = Math.floor((x + div(v, x)) / 2);
  }
  return x;
}
const fsqrt = (v: number) => isqrt(v * ONE);

/** The kernel in plain JavaScript: the tile's pixels, 3 bytes each, row by row. */
export function renderJs(input: Uint8Array): Uint8Array {
  const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const i32 = (o: number) => v.getInt32(o, true);
  const width = i32(0);
  const height = i32(4);
  const tileX = i32(8);
  const tileY = i32(12);
  const tileW = i32(16);
  const tileH = i32(20);
  const [lightX, lightY, lightZ] = [i32(24), i32(28), i32(32)];
  const n = i32(36);
  const sp = Array.from({ length: n }, (_, k) => {
    const o = HEADER_BYTES + SPHERE_BYTES * k;
    return { x: i32(o), y: i32(o + 4), z: i32(o + 8), r: i32(o + 12), colour: v.getUint32(o + 16, true) };
  });
  let lastHit = -1;
  const nearest = (ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, skip: number) => {
    let best = Infinity;
    lastHit = -1;
    for (let k = 0; k < n; k++) {
      if (k === skip) continue;
      const s = sp[k]!;
      const lx = ox - s.x;
      const ly = oy - s.y;
      const lz = oz - s.z;
      const b = mul(lx, dx) + mul(ly, dy) + mul(lz, dz);
      const c = mul(lx, lx) + mul(ly, ly) + mul(lz, lz) - mul(s.r, s.r);
      const disc = mul(b, b) - c;
      if (disc < 0) continue;
      const t = -b - fsqrt(disc);
      if (t > 64 && t < best) {
        best = t;
        lastHit = k;
      }
    }
    return best;
  };
  const out = new Uint8Array(tileW * tileH * 3);
  let o = 0;
  for (let py = tileY; py < tileY + tileH; py++)
    for (let px = tileX; px < tileX + tileW; px++) {
      let dx = div((px * 2 + 1) * ONE, width) - ONE;
      let dy = div(((height - py) * 2 - 1) * ONE, width) - div(height * ONE, width);
      let dz = -ONE;
      const dl = fsqrt(mul(dx, dx) + mul(dy, dy) + mul(dz, dz));
      dx = div(dx * ONE, dl);
      dy = div(dy * ONE, dl);
      dz = div(dz * ONE, dl);
      const t = nearest(0, 0, 0, dx, dy, dz, -1);
      let hitS = lastHit;
      let tFloor = Infinity;
      if (dy < 0) tFloor = div(FLOOR_Y * ONE, dy);
      if (tFloor > FAR) tFloor = Infinity;
      let r: number;
      let g: number;
      let b: number;
      if (t === Infinity && tFloor === Infinity) {
        const up = Math.floor((dy + ONE) / 2);
        r = 100 + mul(up, 80);
        g = 150 + mul(up, 60);
        b = 255;
      } else {
        let hx: number, hy: number, hz: number, nx: number, ny: number, nz: number, cr: number, cg: number, cb: number;
        if (t <= tFloor) {
          const s = sp[hitS]!;
          hx = mul(dx, t);
          hy = mul(dy, t);
          hz = mul(dz, t);
          nx = div((hx - s.x) * ONE, s.r);
          ny = div((hy - s.y) * ONE, s.r);
          nz = div((hz - s.z) * ONE, s.r);
          cr = (s.colour >> 16) & 255;
          cg = (s.colour >> 8) & 255;
          cb = s.colour & 255;
        } else {
          hx = mul(dx, tFloor);
          hy = FLOOR_Y;
          hz = mul(dz, tFloor);
          nx = 0;
          ny = ONE;
          nz = 0;
          const checker = (Math.floor(hx / ONE) + Math.floor(hz / ONE)) & 1;
          cr = cg = cb = checker ? 230 : 60;
          hitS = -1;
        }
        let lx = lightX - hx;
        let ly = lightY - hy;
        let lz = lightZ - hz;
        let ll = fsqrt(mul(lx, lx) + mul(ly, ly) + mul(lz, lz));
        if (ll === 0) ll = 1;
        lx = div(lx * ONE, ll);
        ly = div(ly * ONE, ll);
        lz = div(lz * ONE, ll);
        let lambert = mul(nx, lx) + mul(ny, ly) + mul(nz, lz);
        if (lambert < 0) lambert = 0;
        if (lambert > 0 && nearest(hx, hy, hz, lx, ly, lz, hitS) < ll) lambert = 0;
        const light = AMBIENT + mul(ONE - AMBIENT, lambert);
        r = mul(cr, light);
        g = mul(cg, light);
        b = mul(cb, light);
      }
      out[o++] = r > 255 ? 255 : r;
      out[o++] = g > 255 ? 255 : g;
      out[o++] = b > 255 ? 255 : b;
    }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG (8-bit RGB) of a `width` × `height` image from its tiles' pixels. */
export function tilesToPng(width: number, height: number, tiles: readonly { tile: Tile; rgb: Uint8Array }[]): Buffer {
  const raw = Buffer.alloc(height * (1 + 3 * width));
  for (const { tile, rgb } of tiles)
    for (let y = 0; y < tile.h; y++) {
      const row = (tile.y + y) * (1 + 3 * width) + 1 + 3 * tile.x;
      raw.set(rgb.subarray(3 * tile.w * y, 3 * tile.w * (y + 1)), row);
    }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The image split into tiles of at most `size` × `size` pixels, row by row. */
export function tilesOf(width: number, height: number, size: number): Tile[] {
  const out: Tile[] = [];
  for (let y = 0; y < height; y += size)
    for (let x = 0; x < width; x += size)
      out.push({ x, y, w: Math.min(size, width - x), h: Math.min(size, height - y) });
  return out;
}
