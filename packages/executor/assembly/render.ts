// One tile of a ray-traced scene of spheres over a checkered floor, in Q16.16 fixed point (integer only, so every
// engine gives the same pixels). Lambert shading from one point light, hard shadows, no reflections.
// Input (little endian i32 / u32): width, height, tileX, tileY, tileW, tileH, light x, y, z (Q16.16), nSpheres, then
// per sphere x, y, z, radius (Q16.16) and its colour as u32 0x00RRGGBB. The camera sits at the origin looking down -z
// with a 90 degree field of view across the image's width; the floor is the plane y = -1.
// Output: u32 length, then the tile's pixels row by row, 3 bytes (R, G, B) each.
export function inputPtr(len: i32): usize {
  return heap.alloc(<usize>len);
}

const ONE: i64 = 65536;
const FLOOR_Y: i64 = -ONE;
const AMBIENT: i64 = 13107; // 0.2
const NO_HIT: i64 = i64.MAX_VALUE;

function mul(a: i64, b: i64): i64 {
  return (a * b) >> 16;
}

/** floor(sqrt(v)) of a non-negative integer. */
function isqrt(v: i64): i64 {
  if (v <= 0) return 0;
  let x: i64 = v;
  let y: i64 = (x + 1) >> 1;
  while (y < x) {
    x = y;
    y = (x + v / x) >> 1;
  }
  return x;
}

/** sqrt of a Q16.16 value, in Q16.16. */
function fsqrt(v: i64): i64 {
  return isqrt(v << 16);
}

let spheres: usize = 0;
let nSpheres: i32 = 0;
/** The sphere nearestSphere found last (-1: none). */
let lastHit: i32 = -1;
/** Scene coordinates and radii lie within +-LIMIT (64 units): every product then fits the JavaScript twin's 2^53. */
const LIMIT: i64 = 64 * ONE;
const FAR: i64 = 128 * ONE;

/** Distance along the ray (origin o, unit direction d) to the nearest sphere, NO_HIT if none; `skip` is ignored. */
function nearestSphere(ox: i64, oy: i64, oz: i64, dx: i64, dy: i64, dz: i64, skip: i32): i64 {
  let best: i64 = NO_HIT;
  lastHit = -1;
  for (let k = 0; k < nSpheres; k++) {
    if (k == skip) continue;
    const s = spheres + <usize>k * 20;
    const cx: i64 = load<i32>(s),
      cy: i64 = load<i32>(s, 4),
      cz: i64 = load<i32>(s, 8),
      r: i64 = load<i32>(s, 12);
    const lx = ox - cx,
      ly = oy - cy,
      lz = oz - cz;
    const b = mul(lx, dx) + mul(ly, dy) + mul(lz, dz);
    const c = mul(lx, lx) + mul(ly, ly) + mul(lz, lz) - mul(r, r);
    const disc = mul(b, b) - c;
    if (disc < 0) continue;
    const t = -b - fsqrt(disc);
    if (t > 64 && t < best) {
      // 64/65536: not the surface the ray leaves
      best = t;
      lastHit = k;
    }
  }
  return best;
}

export function run(p: usize, len: i32): usize {
  if (len < 40) unreachable();
  const width = load<i32>(p),
    height = load<i32>(p, 4),
    tileX = load<i32>(p, 8),
    tileY = load<i32>(p, 12),
    tileW = load<i32>(p, 16),
    tileH = load<i32>(p, 20);
  const lightX: i64 = load<i32>(p, 24),
    lightY: i64 = load<i32>(p, 28),
    lightZ: i64 = load<i32>(p, 32);
  nSpheres = load<i32>(p, 36);
  spheres = p + 40;
  if (width < 1 || height < 1 || width > 16384 || height > 16384) unreachable();
  if (tileX < 0 || tileY < 0 || tileW < 1 || tileH < 1 || tileX + tileW > width || tileY + tileH > height)
    unreachable();
  if (nSpheres < 0 || nSpheres > 1024 || <i64>len != 40 + <i64>nSpheres * 20) unreachable();
  if (abs(lightX) > LIMIT || abs(lightY) > LIMIT || abs(lightZ) > LIMIT) unreachable();
  for (let k = 0; k < nSpheres; k++) {
    const s = spheres + <usize>k * 20;
    const r: i64 = load<i32>(s, 12);
    if (abs(<i64>load<i32>(s)) > LIMIT || abs(<i64>load<i32>(s, 4)) > LIMIT || abs(<i64>load<i32>(s, 8)) > LIMIT)
      unreachable();
    if (r <= 0 || r > LIMIT) unreachable();
  }
  const outLen = tileW * tileH * 3;
  const out = heap.alloc(4 + <usize>outLen);
  store<u32>(out, outLen);
  let o = out + 4;
  for (let py = tileY; py < tileY + tileH; py++) {
    for (let px = tileX; px < tileX + tileW; px++) {
      // pixel centre on the image plane z = -1, x in [-1, 1], y scaled by the aspect ratio
      let dx: i64 = ((<i64>px * 2 + 1) << 16) / width - ONE;
      let dy: i64 = ((<i64>(height - py) * 2 - 1) << 16) / width - ((<i64>height) << 16) / width;
      let dz: i64 = -ONE;
      const dl = fsqrt(mul(dx, dx) + mul(dy, dy) + mul(dz, dz));
      dx = (dx << 16) / dl;
      dy = (dy << 16) / dl;
      dz = (dz << 16) / dl;
      const t = nearestSphere(0, 0, 0, dx, dy, dz, -1);
      let hitS = lastHit;
      let tFloor: i64 = NO_HIT;
      if (dy < 0) tFloor = (FLOOR_Y << 16) / dy;
      // the floor ends at the horizon's haze, FAR away: sky beyond it (and every product stays small)
      if (tFloor > FAR) tFloor = NO_HIT;
      let r: i64 = 0,
        g: i64 = 0,
        b: i64 = 0;
      if (t == NO_HIT && tFloor == NO_HIT) {
        // sky: a vertical gradient
        const up = (dy + ONE) >> 1;
        r = 100 + mul(up, 80);
        g = 150 + mul(up, 60);
        b = 255;
      } else {
        let hx: i64, hy: i64, hz: i64, nx: i64, ny: i64, nz: i64, cr: i64, cg: i64, cb: i64;
        if (t <= tFloor) {
          const s = spheres + <usize>hitS * 20;
          hx = mul(dx, t);
          hy = mul(dy, t);
          hz = mul(dz, t);
          const rad: i64 = load<i32>(s, 12);
          nx = ((hx - <i64>load<i32>(s)) << 16) / rad;
          ny = ((hy - <i64>load<i32>(s, 4)) << 16) / rad;
          nz = ((hz - <i64>load<i32>(s, 8)) << 16) / rad;
          const colour = load<u32>(s, 16);
          cr = (colour >> 16) & 255;
          cg = (colour >> 8) & 255;
          cb = colour & 255;
        } else {
          hx = mul(dx, tFloor);
          hy = FLOOR_Y;
          hz = mul(dz, tFloor);
          nx = 0;
          ny = ONE;
          nz = 0;
          const checker = ((hx >> 16) + (hz >> 16)) & 1;
          cr = checker ? 230 : 60;
          cg = checker ? 230 : 60;
          cb = checker ? 230 : 60;
          hitS = -1;
        }
        // Lambert term towards the light, zero in the shadow of another sphere
        let lx = lightX - hx,
          ly = lightY - hy,
          lz = lightZ - hz;
        let ll = fsqrt(mul(lx, lx) + mul(ly, ly) + mul(lz, lz));
        if (ll == 0) ll = 1;
        lx = (lx << 16) / ll;
        ly = (ly << 16) / ll;
        lz = (lz << 16) / ll;
        let lambert = mul(nx, lx) + mul(ny, ly) + mul(nz, lz);
        if (lambert < 0) lambert = 0;
        if (lambert > 0 && nearestSphere(hx, hy, hz, lx, ly, lz, hitS) < ll) lambert = 0;
        const light = AMBIENT + mul(ONE - AMBIENT, lambert);
        r = mul(cr, light);
        g = mul(cg, light);
        b = mul(cb, light);
      }
      store<u8>(o, <u8>(r > 255 ? 255 : r));
      store<u8>(o + 1, <u8>(g > 255 ? 255 : g));
      store<u8>(o + 2, <u8>(b > 255 ? 255 : b));
      o += 3;
    }
  }
  return out;
}
