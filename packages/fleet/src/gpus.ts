// GPU model catalog: published specs of real GPUs, the input to capacity-class assignment.
//
// Throughput convention: `fp16TflopsDense` is the DENSE (no 2:4 sparsity) FP16/BF16 tensor-core rate with FP32
// accumulate, i.e. what a BF16 training/inference kernel can reach. GeForce cards run FP32-accumulate at half
// their FP16-accumulate rate, so their marketing figure is halved here; data-centre and workstation parts run
// both at the same rate. Using one convention is what makes hours of different models comparable.
//
// Prices are per GPU-hour, on-demand list prices observed at the cited source and year. They are reference
// points for bond sizing, not quotes. Where no public single-GPU price exists, the price is derived from a
// cited anchor model (see `derivePriceUsdPerHour`) and the row says so.

import { stringToHex } from 'viem';
import type { Hex } from 'viem';

/** Software stack a job must target: a CUDA container cannot run on ROCm, and Jetson needs arm64/JetPack images. */
export type GpuStack = 'cuda' | 'rocm' | 'jetpack';
export type GpuSegment = 'datacentre' | 'workstation' | 'consumer' | 'edge';

export interface GpuSpec {
  /** Canonical name, ASCII, at most 31 bytes (stored on chain as a zero-terminated bytes32). */
  readonly name: string;
  readonly vendor: string;
  readonly segment: GpuSegment;
  readonly stack: GpuStack;
  /** Dense FP16/BF16 tensor TFLOPS, FP32 accumulate, no sparsity. */
  readonly fp16TflopsDense: number;
  readonly memoryGb: number;
  readonly memoryBandwidthGbps: number;
  /** Board power (TDP / TGP / module max power) in W. */
  readonly boardPowerW: number;
  /** Reference rental price, USD per GPU-hour. */
  readonly refPriceUsdPerHour: number;
}

/** Where a catalog row's reference price comes from. */
export type PriceSource =
  | { readonly kind: 'cited'; readonly usdPerHour: number; readonly source: string; readonly year: number }
  | { readonly kind: 'derived'; readonly anchor: string };

interface CatalogRow extends Omit<GpuSpec, 'refPriceUsdPerHour'> {
  readonly price: PriceSource;
  /** Spec source: vendor datasheet / whitepaper, or the derivation of a number the vendor does not publish. */
  readonly specSource: string;
}

// RunPod Serverless "flex" per-second rates (docs.runpod.io/serverless/pricing, 2025) × 3600 s.
const RUNPOD_SERVERLESS_2025 = 'RunPod Serverless flex rate, docs.runpod.io/serverless/pricing';
// Lambda on-demand single-GPU instances (lambda.ai/pricing), as reported by techbytes.app in May 2026.
const LAMBDA_2026 = 'Lambda on-demand 1x instance, lambda.ai/pricing (via techbytes.app)';

const ROWS: readonly CatalogRow[] = [
  // ---- data-centre ----
  {
    name: 'AMD Instinct MI300X',
    vendor: 'AMD',
    segment: 'datacentre',
    stack: 'rocm',
    fp16TflopsDense: 1307.4,
    memoryGb: 192,
    memoryBandwidthGbps: 5300,
    boardPowerW: 750,
    specSource: 'AMD Instinct MI300X data sheet, amd.com/en/products/accelerators/instinct/mi300/mi300x.html',
    price: {
      kind: 'cited',
      usdPerHour: 1.85,
      source: 'Vultr on-demand MI300X (per cliffcenter.com AMD note)',
      year: 2026,
    },
  },
  {
    name: 'NVIDIA H200 SXM',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 989.4, // datasheet 1,979 is with sparsity
    memoryGb: 141,
    memoryBandwidthGbps: 4800,
    boardPowerW: 700,
    specSource: 'NVIDIA H200 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/h200/',
    price: { kind: 'cited', usdPerHour: 0.00155 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA H100 SXM',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 989.4, // datasheet 1,979 is with sparsity
    memoryGb: 80,
    memoryBandwidthGbps: 3350,
    boardPowerW: 700,
    specSource: 'NVIDIA H100 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/h100/',
    price: { kind: 'cited', usdPerHour: 3.78, source: LAMBDA_2026, year: 2026 },
  },
  {
    name: 'NVIDIA H100 PCIe',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 756.5, // datasheet 1,513 is with sparsity
    memoryGb: 80,
    memoryBandwidthGbps: 2000,
    boardPowerW: 350,
    specSource: 'NVIDIA H100 Tensor Core GPU datasheet (PCIe column), nvidia.com/en-us/data-center/h100/',
    price: { kind: 'cited', usdPerHour: 2.86, source: LAMBDA_2026, year: 2026 },
  },
  {
    name: 'NVIDIA A100 SXM 80GB',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 312,
    memoryGb: 80,
    memoryBandwidthGbps: 2039,
    boardPowerW: 400,
    specSource: 'NVIDIA A100 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/a100/',
    price: { kind: 'cited', usdPerHour: 0.00076 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA A100 PCIe 80GB',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 312,
    memoryGb: 80,
    memoryBandwidthGbps: 1935,
    boardPowerW: 300,
    specSource: 'NVIDIA A100 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/a100/',
    price: { kind: 'cited', usdPerHour: 0.00076 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA A100 PCIe 40GB',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 312,
    memoryGb: 40,
    memoryBandwidthGbps: 1555,
    boardPowerW: 250,
    specSource: 'NVIDIA A100 PCIe 40GB product brief / A100 datasheet (2020)',
    price: { kind: 'cited', usdPerHour: 1.48, source: LAMBDA_2026, year: 2026 },
  },
  {
    name: 'NVIDIA L40S',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 362.05, // datasheet 733 is with sparsity
    memoryGb: 48,
    memoryBandwidthGbps: 864,
    boardPowerW: 350,
    specSource: 'NVIDIA L40S datasheet, nvidia.com/en-us/data-center/l40s/',
    price: { kind: 'cited', usdPerHour: 0.00053 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA L40',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 181.05, // datasheet 362 is with sparsity
    memoryGb: 48,
    memoryBandwidthGbps: 864,
    boardPowerW: 300,
    specSource: 'NVIDIA L40 datasheet, nvidia.com/en-us/data-center/l40/',
    price: { kind: 'cited', usdPerHour: 0.00053 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'AMD Instinct MI210',
    vendor: 'AMD',
    segment: 'datacentre',
    stack: 'rocm',
    fp16TflopsDense: 181,
    memoryGb: 64,
    memoryBandwidthGbps: 1638.4,
    boardPowerW: 300,
    specSource: 'AMD Instinct MI210 data sheet, amd.com/en/products/accelerators/instinct/mi200/mi210.html',
    price: { kind: 'derived', anchor: 'AMD Instinct MI300X' },
  },
  {
    name: 'NVIDIA A40',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 149.7, // datasheet 299.4 is with sparsity
    memoryGb: 48,
    memoryBandwidthGbps: 696,
    boardPowerW: 300,
    specSource: 'NVIDIA A40 datasheet, nvidia.com/en-us/data-center/a40/',
    price: { kind: 'cited', usdPerHour: 0.00034 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA A10',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 125, // datasheet 250 is with sparsity
    memoryGb: 24,
    memoryBandwidthGbps: 600,
    boardPowerW: 150,
    specSource: 'NVIDIA A10 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/products/a10-gpu/',
    price: { kind: 'cited', usdPerHour: 0.86, source: LAMBDA_2026, year: 2026 },
  },
  {
    name: 'NVIDIA L4',
    vendor: 'NVIDIA',
    segment: 'datacentre',
    stack: 'cuda',
    fp16TflopsDense: 121, // datasheet 242 is with sparsity
    memoryGb: 24,
    memoryBandwidthGbps: 300,
    boardPowerW: 72,
    specSource: 'NVIDIA L4 Tensor Core GPU datasheet, nvidia.com/en-us/data-center/l4/',
    price: { kind: 'cited', usdPerHour: 0.00019 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  // ---- workstation ----
  {
    name: 'NVIDIA RTX 6000 Ada',
    vendor: 'NVIDIA',
    segment: 'workstation',
    stack: 'cuda',
    fp16TflopsDense: 364.2, // datasheet "1,457 tensor TFLOPS" is FP8 with sparsity = 4x this
    memoryGb: 48,
    memoryBandwidthGbps: 960,
    boardPowerW: 300,
    specSource: 'NVIDIA RTX 6000 Ada Generation datasheet; NVIDIA Ada Lovelace architecture whitepaper, appendix',
    price: { kind: 'cited', usdPerHour: 0.00053 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA RTX A6000',
    vendor: 'NVIDIA',
    segment: 'workstation',
    stack: 'cuda',
    fp16TflopsDense: 154.8, // 309.7 is with sparsity
    memoryGb: 48,
    memoryBandwidthGbps: 768,
    boardPowerW: 300,
    specSource: 'NVIDIA RTX A6000 datasheet; NVIDIA Ampere GA102 GPU architecture whitepaper, appendix',
    price: { kind: 'cited', usdPerHour: 0.00034 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  // ---- consumer (FP32-accumulate rate = half the FP16-accumulate marketing figure) ----
  {
    name: 'NVIDIA GeForce RTX 5090',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    fp16TflopsDense: 209.5,
    memoryGb: 32,
    memoryBandwidthGbps: 1792,
    boardPowerW: 575,
    specSource: 'NVIDIA RTX Blackwell GPU architecture whitepaper, appendix (GeForce RTX 5090 column)',
    price: { kind: 'derived', anchor: 'NVIDIA GeForce RTX 4090' },
  },
  {
    name: 'NVIDIA GeForce RTX 4090',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    fp16TflopsDense: 165.2,
    memoryGb: 24,
    memoryBandwidthGbps: 1008,
    boardPowerW: 450,
    specSource: 'NVIDIA Ada Lovelace architecture whitepaper, appendix (GeForce RTX 4090 column)',
    price: { kind: 'cited', usdPerHour: 0.00031 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  {
    name: 'NVIDIA GeForce RTX 4080',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    fp16TflopsDense: 97.5,
    memoryGb: 16,
    memoryBandwidthGbps: 716.8,
    boardPowerW: 320,
    specSource: 'NVIDIA Ada Lovelace architecture whitepaper, appendix (GeForce RTX 4080 16GB column)',
    price: { kind: 'derived', anchor: 'NVIDIA GeForce RTX 4090' },
  },
  {
    name: 'NVIDIA GeForce RTX 4070',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    // Not tabulated by NVIDIA: 46 SMs x 512 FLOP/clk/SM (FP32 acc) x 2.475 GHz boost, same per-SM rate as
    // the whitepaper's RTX 4090 row (128 SMs x 512 x 2.52 GHz = 165.2).
    fp16TflopsDense: 58.3,
    memoryGb: 12,
    memoryBandwidthGbps: 504,
    boardPowerW: 200,
    specSource: 'NVIDIA GeForce RTX 4070 specifications page (SMs, boost clock, memory, 200 W); TFLOPS derived',
    price: { kind: 'derived', anchor: 'NVIDIA GeForce RTX 4090' },
  },
  {
    name: 'NVIDIA GeForce RTX 4060 Ti 16GB',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    // Not tabulated by NVIDIA: 34 SMs x 512 FLOP/clk/SM (FP32 acc) x 2.535 GHz boost.
    fp16TflopsDense: 44.1,
    memoryGb: 16,
    memoryBandwidthGbps: 288,
    boardPowerW: 165,
    specSource: 'NVIDIA GeForce RTX 4060 Ti 16GB specifications page (SMs, boost clock, 165 W); TFLOPS derived',
    price: { kind: 'derived', anchor: 'NVIDIA GeForce RTX 4090' },
  },
  {
    name: 'NVIDIA GeForce RTX 3090',
    vendor: 'NVIDIA',
    segment: 'consumer',
    stack: 'cuda',
    fp16TflopsDense: 71,
    memoryGb: 24,
    memoryBandwidthGbps: 936,
    boardPowerW: 350,
    specSource: 'NVIDIA Ampere GA102 GPU architecture whitepaper, appendix (GeForce RTX 3090 column)',
    price: { kind: 'cited', usdPerHour: 0.00019 * 3600, source: RUNPOD_SERVERLESS_2025, year: 2025 },
  },
  // ---- edge (memory is LPDDR5 shared with the CPU; power is the module's max power mode) ----
  {
    name: 'NVIDIA Jetson AGX Orin 64GB',
    vendor: 'NVIDIA',
    segment: 'edge',
    stack: 'jetpack',
    // Not tabulated as dense FP16: 16 Ampere SMs x 2048 FLOP/clk/SM (GA100-style tensor cores) x 1.3 GHz;
    // consistent with NVIDIA's 170 sparse INT8 TOPS for the GPU (= 4x this).
    fp16TflopsDense: 42.5,
    memoryGb: 64,
    memoryBandwidthGbps: 204.8,
    boardPowerW: 60,
    specSource: 'NVIDIA Jetson AGX Orin Series technical brief / module datasheet; TFLOPS derived',
    price: { kind: 'derived', anchor: 'NVIDIA L4' },
  },
  {
    name: 'NVIDIA Jetson Orin NX 16GB',
    vendor: 'NVIDIA',
    segment: 'edge',
    stack: 'jetpack',
    // Not tabulated as dense FP16: 8 SMs x 2048 FLOP/clk/SM x 0.918 GHz.
    fp16TflopsDense: 15,
    memoryGb: 16,
    memoryBandwidthGbps: 102.4,
    boardPowerW: 25,
    specSource: 'NVIDIA Jetson Orin NX Series module datasheet; TFLOPS derived',
    price: { kind: 'derived', anchor: 'NVIDIA L4' },
  },
];

/**
 * Derived price = anchor price x sqrt(TFLOPS ratio x memory ratio). Rental prices track both compute and
 * memory, and the geometric mean keeps either one from dominating; the anchor is a cited model of the same
 * vendor and segment (or the nearest one when none is rented publicly).
 */
export function derivePriceUsdPerHour(
  target: Pick<GpuSpec, 'fp16TflopsDense' | 'memoryGb'>,
  anchor: Pick<GpuSpec, 'fp16TflopsDense' | 'memoryGb' | 'refPriceUsdPerHour'>,
): number {
  const ratio = (target.fp16TflopsDense / anchor.fp16TflopsDense) * (target.memoryGb / anchor.memoryGb);
  return anchor.refPriceUsdPerHour * Math.sqrt(ratio);
}

function resolveCatalog(rows: readonly CatalogRow[]): Map<string, GpuSpec> {
  const cited = new Map<string, number>();
  for (const row of rows) if (row.price.kind === 'cited') cited.set(row.name, row.price.usdPerHour);
  const out = new Map<string, GpuSpec>();
  for (const row of rows) {
    if (out.has(row.name)) throw new Error(`GPU catalog: duplicate model name "${row.name}"`);
    let refPriceUsdPerHour: number;
    if (row.price.kind === 'cited') {
      refPriceUsdPerHour = row.price.usdPerHour;
    } else {
      const anchorName = row.price.anchor;
      const anchorRow = rows.find((r) => r.name === anchorName);
      const anchorPrice = cited.get(anchorName);
      // Anchors must be cited rows so a derivation never chains off another estimate.
      if (!anchorRow || anchorPrice === undefined) {
        throw new Error(`GPU catalog: "${row.name}" price anchor "${anchorName}" is not a cited catalog row`);
      }
      refPriceUsdPerHour = derivePriceUsdPerHour(row, { ...anchorRow, refPriceUsdPerHour: anchorPrice });
    }
    const { price: _price, specSource: _specSource, ...spec } = row;
    out.set(row.name, Object.freeze({ ...spec, refPriceUsdPerHour }));
  }
  return out;
}

const CATALOG = resolveCatalog(ROWS);

/** All catalog models, in catalog order. */
export const GPU_CATALOG: readonly GpuSpec[] = Object.freeze([...CATALOG.values()]);

/** Where each catalog row's spec and price come from (for docs and audits). */
export const GPU_SOURCES: ReadonlyMap<string, { readonly specSource: string; readonly price: PriceSource }> = new Map(
  ROWS.map((r) => [r.name, { specSource: r.specSource, price: r.price }]),
);

export const MAX_GPU_MODEL_NAME_BYTES = 31;

/** Throws unless `name` is non-empty printable ASCII of at most 31 bytes (one byte left for a terminating zero). */
export function assertGpuModelName(name: string, field = 'gpuModel'): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`${field}: must be a non-empty string`);
  }
  if (!/^[\x20-\x7e]+$/.test(name)) {
    throw new Error(`${field}: "${name}" must be printable ASCII (bytes32 on chain)`);
  }
  if (name.length > MAX_GPU_MODEL_NAME_BYTES) {
    throw new Error(`${field}: "${name}" is ${name.length} bytes, max is ${MAX_GPU_MODEL_NAME_BYTES}`);
  }
}

/** Catalog lookup; throws with the list of known names when the model is unknown. */
export function getGpuSpec(name: string): GpuSpec {
  const spec = CATALOG.get(name);
  if (!spec) {
    throw new Error(`gpuModel: unknown GPU model "${name}"; known models: ${[...CATALOG.keys()].join(', ')}`);
  }
  return spec;
}

export function isKnownGpuModel(name: string): boolean {
  return CATALOG.has(name);
}

/** bytes32 encoding of any valid model name (right-padded ASCII); no catalog check. */
export function encodeGpuModelName(name: string): Hex {
  assertGpuModelName(name);
  return stringToHex(name, { size: 32 });
}

/** On-chain id of a catalog model: bytes32 of its canonical name. Throws if over 31 bytes or unknown. */
export function gpuModelId(name: string): Hex {
  assertGpuModelName(name);
  getGpuSpec(name);
  return stringToHex(name, { size: 32 });
}
