import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToString, size, stringToHex } from 'viem';
import {
  GPU_CATALOG,
  GPU_SOURCES,
  MAX_GPU_MODEL_NAME_BYTES,
  derivePriceUsdPerHour,
  encodeGpuModelName,
  getGpuSpec,
  gpuModelId,
} from './gpus.ts';

test('catalog spans the four segments with 15-25 real models', () => {
  assert.ok(GPU_CATALOG.length >= 15 && GPU_CATALOG.length <= 25);
  const segments = new Set(GPU_CATALOG.map((g) => g.segment));
  assert.deepEqual([...segments].sort(), ['consumer', 'datacentre', 'edge', 'workstation']);
  assert.equal(new Set(GPU_CATALOG.map((g) => g.name)).size, GPU_CATALOG.length);
});

test('every catalog row has positive specs, a name <= 31 ASCII bytes and a source', () => {
  for (const g of GPU_CATALOG) {
    assert.ok(/^[\x20-\x7e]+$/.test(g.name) && g.name.length <= MAX_GPU_MODEL_NAME_BYTES, g.name);
    for (const v of [g.fp16TflopsDense, g.memoryGb, g.memoryBandwidthGbps, g.boardPowerW, g.refPriceUsdPerHour]) {
      assert.ok(Number.isFinite(v) && v > 0, g.name);
    }
    const src = GPU_SOURCES.get(g.name);
    assert.ok(src && src.specSource.length > 0, g.name);
    if (src.price.kind === 'cited') {
      assert.ok(src.price.source.length > 0 && src.price.year >= 2023, g.name);
      assert.equal(g.refPriceUsdPerHour, src.price.usdPerHour);
    } else {
      const anchor = getGpuSpec(src.price.anchor);
      assert.equal(GPU_SOURCES.get(anchor.name)?.price.kind, 'cited');
      assert.equal(g.refPriceUsdPerHour, derivePriceUsdPerHour(g, anchor));
    }
  }
});

test('published dense figures (spot checks against datasheets)', () => {
  assert.equal(getGpuSpec('NVIDIA H100 SXM').fp16TflopsDense, 989.4);
  assert.equal(getGpuSpec('NVIDIA A100 SXM 80GB').fp16TflopsDense, 312);
  assert.equal(getGpuSpec('NVIDIA L4').boardPowerW, 72);
  assert.equal(getGpuSpec('AMD Instinct MI300X').memoryGb, 192);
  // GeForce: FP32-accumulate rate, half the FP16-accumulate marketing number (330.3 for the 4090).
  assert.equal(getGpuSpec('NVIDIA GeForce RTX 4090').fp16TflopsDense, 165.2);
});

test('gpuModelId is the right-padded bytes32 of the canonical name', () => {
  for (const g of GPU_CATALOG) {
    const id = gpuModelId(g.name);
    assert.equal(size(id), 32);
    assert.equal(id, stringToHex(g.name, { size: 32 }));
    assert.equal(hexToString(id, { size: 32 }), g.name);
  }
  assert.equal(gpuModelId('NVIDIA L4').slice(0, 20), stringToHex('NVIDIA L4'));
});

test('gpuModelId enforces the 31-byte limit and the catalog', () => {
  assert.throws(() => gpuModelId('X'.repeat(32)), /32 bytes, max is 31/);
  assert.throws(() => encodeGpuModelName('X'.repeat(32)), /max is 31/);
  assert.equal(size(encodeGpuModelName('X'.repeat(31))), 32);
  assert.throws(() => gpuModelId('NVIDIA H100 SXM5 Ultra'), /unknown GPU model "NVIDIA H100 SXM5 Ultra"/);
  assert.throws(() => gpuModelId(''), /non-empty/);
  assert.throws(() => gpuModelId('RTX 4090™'), /ASCII/);
});
