// `greenhour job quote | submit | status`: the buyer's side of the job market on chain. A quote plans the job on what
// the hour market offers now with the service's own planner (packages/jobs: the scheduler's heuristic on the zones'
// day-ahead forecasts), its node-hours, cost at the quote and expected emissions; nothing is sent. Submit posts the job
// with its escrow (GPU-hours × max price + incentive), signed by --key-file, refused before anything is sent when the
// account cannot pay. Status reads a job and its placements from the chain.
import { readFileSync } from 'node:fs';
import { keccak256, type Hex } from 'viem';
import { settlementTokenAbi } from '@greenhour/contracts';
import { jobView, postJob, slotOf, type JobKind } from '@greenhour/chain';
import { ChainSnapshot, planOnChain, ZoneOutlook, type PlannableJob } from '@greenhour/jobs';
import { UsageError, helpText, parseFlags, type FlagSpecs, type Parsed } from '@greenhour/flags';
import {
  CHAIN_FLAGS,
  KEY_FILE_FLAG,
  RefusedError,
  oneLine,
  openChain,
  readKeyFile,
  slotTime,
  usd,
  usdToUsdc6,
} from './chainArgs.ts';
import { toJson } from './format.ts';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

const TAIL = {
  ...CHAIN_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON document to stdout (amounts as usdc6 integer strings)' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;

const SPEC_FLAGS = {
  kind: { kind: 'enum', values: ['inference', 'training', 'rendering'], required: true, help: 'what the job is' },
  'gpu-hours': { kind: 'integer', metavar: 'N', min: 1, max: 65_536, required: true, help: 'GPU-hours needed' },
  'min-class': {
    kind: 'integer',
    metavar: 'C',
    min: 0,
    max: 0xffff,
    required: true,
    help: "lowest capacity class: a placement's class must meet its FP16 TFLOPS and memory",
  },
  'earliest-slot': {
    kind: 'integer',
    metavar: 'S',
    min: 0,
    max: 0xffff_ffff,
    help: 'first slot the job may run in (default: the slot after the next)',
  },
  'window-slots': {
    kind: 'integer',
    metavar: 'W',
    min: 1,
    max: 2160,
    help: 'slots the job may run in from --earliest-slot: it must finish before earliest + W (default 4)',
  },
  'min-green-bps': {
    kind: 'integer',
    metavar: 'BPS',
    min: 0,
    max: 10_000,
    help: 'measured own-green share each serving node-hour must reach for its node to earn the incentive (0)',
  },
  'max-price-usd': {
    kind: 'string',
    metavar: 'USD',
    required: true,
    help: 'the most paid per GPU-hour, fee included',
  },
  'incentive-usd': { kind: 'string', metavar: 'USD', help: 'completion incentive for green-enough delivery (0)' },
  shardable: { kind: 'boolean', help: 'may be split into shards over home nodes, aggregated by a regional node' },
} as const satisfies FlagSpecs;

export const JOB_QUOTE_FLAGS = { ...SPEC_FLAGS, ...TAIL } as const satisfies FlagSpecs;
export const JOB_SUBMIT_FLAGS = {
  ...SPEC_FLAGS,
  'spec-uri': { kind: 'string', metavar: 'URI', required: true, help: 'where the job spec can be fetched' },
  'spec-file': { kind: 'string', metavar: 'PATH', help: 'the job spec itself: its keccak256 is the spec hash' },
  'spec-hash': { kind: 'string', metavar: 'HEX', help: 'keccak256 of the spec (instead of --spec-file)' },
  ...KEY_FILE_FLAG,
  ...TAIL,
} as const satisfies FlagSpecs;
export const JOB_STATUS_FLAGS = {
  job: { kind: 'integer', metavar: 'ID', min: 1, max: Number.MAX_SAFE_INTEGER, required: true, help: 'job id' },
  ...TAIL,
} as const satisfies FlagSpecs;

export const JOB_QUOTE_HELP = helpText(
  'greenhour job quote --kind K --gpu-hours N --min-class C --max-price-usd USD [--earliest-slot S] [--window-slots W]',
  'Plan a job on what the hour market offers now: the node-hours the carbon-aware scheduler would pick, what they\n' +
    'cost at the quote, and the expected energy, own-green share (24/7 CFE) and SCI. No transaction.',
  JOB_QUOTE_FLAGS,
);
export const JOB_SUBMIT_HELP = helpText(
  'greenhour job submit --kind K --gpu-hours N --min-class C --max-price-usd USD --spec-uri URI --key-file PATH',
  'Post a job: escrows N × --max-price-usd + --incentive-usd from the --key-file account. The service places it\n' +
    'on node-hours within the price and refunds what the hours did not cost. Refused before anything is sent when\n' +
    'the account cannot pay.',
  JOB_SUBMIT_FLAGS,
);
export const JOB_STATUS_HELP = helpText(
  'greenhour job status --job ID [--rpc-url URL] [--deployments DIR] [--json]',
  'A job and its placements as the chain holds them: status, money, and which node serves which hour.',
  JOB_STATUS_FLAGS,
);
export const JOB_HELP = [
  'Usage: greenhour job <quote|submit|status> [options]',
  '',
  '  job quote     plan a job on the market now: node-hours, cost, expected emissions; no transaction',
  '  job submit    post a job with its escrow (--key-file)',
  '  job status    a job and its placements on chain',
  '',
  "Run 'greenhour job <subcommand> --help' for the options.",
].join('\n');

export async function jobCommand(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === '--help' || argv[0] === undefined) {
    io.stdout(JOB_HELP + '\n');
    return argv[0] === undefined ? 2 : 0;
  }
  const rest = argv.slice(1);
  if (argv[0] === 'quote') return rest.includes('--help') ? help(io, JOB_QUOTE_HELP) : jobQuote(rest, io);
  if (argv[0] === 'submit') return rest.includes('--help') ? help(io, JOB_SUBMIT_HELP) : jobSubmit(rest, io);
  if (argv[0] === 'status') return rest.includes('--help') ? help(io, JOB_STATUS_HELP) : jobStatus(rest, io);
  throw new UsageError(
    'command',
    `job: unknown subcommand ${JSON.stringify(argv[0])} (expected quote, submit or status)`,
  );
}

function help(io: Io, text: string): number {
  io.stdout(text + '\n');
  return 0;
}

/** The job the flags describe, its window placed after the chain's current slot unless --earliest-slot says. */
function jobOf(flags: Parsed<typeof SPEC_FLAGS>, currentSlot: number): PlannableJob & { incentiveUsdc6: bigint } {
  const maxPrice = usdToUsdc6('--max-price-usd', flags['max-price-usd']);
  if (maxPrice === 0n) throw new UsageError('--max-price-usd', 'must be above 0');
  const earliestSlot = flags['earliest-slot'] ?? currentSlot + 2;
  return {
    jobId: 0n,
    kind: flags.kind as JobKind,
    gpuHours: flags['gpu-hours'],
    minClassId: flags['min-class'],
    earliestSlot,
    deadlineSlot: earliestSlot + (flags['window-slots'] ?? 4),
    minGreenShareBps: flags['min-green-bps'] ?? 0,
    maxPricePerGpuHourUsdc6: maxPrice,
    incentiveUsdc6: flags['incentive-usd'] === undefined ? 0n : usdToUsdc6('--incentive-usd', flags['incentive-usd']),
    shardable: flags.shardable ?? false,
  };
}

const kg = (mg: number) => `${(mg / 1e6).toFixed(3)} kg`;
const pct = (bps: number) => `${(bps / 100).toFixed(1)} %`;

async function jobQuote(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, JOB_QUOTE_FLAGS);
  const { clients, deployment } = await openChain(flags);
  const snap = await ChainSnapshot.take(clients, deployment);
  const job = jobOf(flags, snap.currentSlot);
  const result = await planOnChain(snap, job, { outlook: new ZoneOutlook() });
  const escrowUsdc6 = BigInt(job.gpuHours) * job.maxPricePerGpuHourUsdc6 + job.incentiveUsdc6;
  const plan = 'plan' in result ? result.plan : null;
  if (flags.json) {
    io.stdout(
      toJson({
        placeable: plan !== null,
        reason: 'unplaced' in result ? result.unplaced : null,
        escrowUsdc6,
        earliestSlot: job.earliestSlot,
        deadlineSlot: job.deadlineSlot,
        costUsdc6AtQuote: plan?.costUsdc6AtQuote ?? null,
        aggregatorNodeId: plan?.aggregatorNodeId ?? null,
        hours: plan?.hours ?? [],
        expected: plan?.expected ?? null,
      }) + '\n',
    );
    return 0;
  }
  const window = `slots ${job.earliestSlot}..${job.deadlineSlot - 1} (${slotTime(job.earliestSlot)} … ${slotTime(job.deadlineSlot - 1)})`;
  if (plan === null) {
    io.stdout(
      `No placement now for ${job.gpuHours} GPU-hours in ${window}: ${(result as { unplaced: string }).unplaced}\n`,
    );
    return 0;
  }
  const e = plan.expected;
  const lines = [
    `${job.gpuHours} GPU-hours of ${job.kind} in ${window}: ${plan.hours.length} node-hour(s), ` +
      `${usd(plan.costUsdc6AtQuote)} at the quote (escrow ${usd(escrowUsdc6)}, the rest refunded at assignment)`,
    ...plan.hours.map(
      (h) =>
        `  slot ${h.slot} (${slotTime(h.slot)})  node ${h.nodeId} in ${h.zone}  ${h.gpuHours} GPU-h  ` +
        `${h.greenWh}/${h.energyWh} Wh own green  grid ${h.carbonGPerKwh} g/kWh  ${usd(h.priceUsdc6PerHour)}/h`,
    ),
    `expected: ${e.energyWh} Wh, own green ${pct(e.cfeBps)} (24/7 CFE), ${kg(e.operationalMg)} CO2e from the grid + ` +
      `${kg(e.embodiedMg)} embodied; SCI ${(e.sciMgPerGpuHour / 1000).toFixed(1)} g CO2e per GPU-hour`,
  ];
  if (plan.aggregatorNodeId !== 0n) lines.push(`sharded: node ${plan.aggregatorNodeId} aggregates the shards`);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

function specHashOf(flags: Parsed<typeof JOB_SUBMIT_FLAGS>): Hex {
  if (flags['spec-file'] !== undefined && flags['spec-hash'] !== undefined)
    throw new UsageError('--spec-hash', 'give --spec-file or --spec-hash, not both');
  if (flags['spec-file'] !== undefined) {
    try {
      return keccak256(readFileSync(flags['spec-file']));
    } catch (e) {
      throw new UsageError('--spec-file', `cannot read ${flags['spec-file']}: ${oneLine(e)}`);
    }
  }
  const hash = flags['spec-hash'];
  if (hash === undefined) throw new UsageError('--spec-hash', 'give --spec-file or --spec-hash');
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new UsageError('--spec-hash', 'must be 32 bytes as 0x-prefixed hex');
  return hash as Hex;
}

async function jobSubmit(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, JOB_SUBMIT_FLAGS);
  const specHash = specHashOf(flags);
  if (Buffer.byteLength(flags['spec-uri']) > 256) throw new UsageError('--spec-uri', 'at most 256 bytes');
  const key = readKeyFile('--key-file', flags['key-file']);
  const { clients, deployment } = await openChain(flags, key);
  const current = slotOf((await clients.publicClient.getBlock()).timestamp);
  const job = jobOf(flags, current);
  if (job.deadlineSlot <= current + 1)
    throw new UsageError(
      '--earliest-slot',
      `the window ends by slot ${job.deadlineSlot}: no slot of it can still be bought`,
    );
  const escrowUsdc6 = BigInt(job.gpuHours) * job.maxPricePerGpuHourUsdc6 + job.incentiveUsdc6;
  const me = clients.account.address;
  const cash = await clients.publicClient.readContract({
    address: deployment.settlementToken,
    abi: settlementTokenAbi,
    functionName: 'balanceOf',
    args: [me],
  });
  if (cash < escrowUsdc6)
    throw new RefusedError(
      '--max-price-usd',
      `${me} holds ${usd(cash)}, less than the escrow ${usd(escrowUsdc6)}; nothing was posted`,
    );
  io.stderr(`greenhour: posting the job with an escrow of ${usd(escrowUsdc6)}; waiting for the transaction…\n`);
  let posted: Awaited<ReturnType<typeof postJob>>;
  try {
    posted = await postJob(clients, deployment, { ...job, specHash, specUri: flags['spec-uri'] });
  } catch (e) {
    throw new RefusedError('job', `the job market refused the job: ${oneLine(e)}`, { cause: e });
  }
  if (flags.json) io.stdout(toJson({ jobId: posted.jobId, escrowUsdc6, txHash: posted.txHash }) + '\n');
  else
    io.stdout(
      `Posted job ${posted.jobId}: ${job.gpuHours} GPU-hours of ${job.kind} in slots ${job.earliestSlot}..${job.deadlineSlot - 1}, ` +
        `${usd(escrowUsdc6)} escrowed (transaction ${posted.txHash})\n`,
    );
  return 0;
}

async function jobStatus(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(argv, JOB_STATUS_FLAGS);
  const { clients, deployment } = await openChain(flags);
  let view: Awaited<ReturnType<typeof jobView>>;
  try {
    view = await jobView(clients, deployment, BigInt(flags.job));
  } catch (e) {
    throw new UsageError('--job', `no job ${flags.job} has been posted`, { cause: e });
  }
  if (flags.json) {
    io.stdout(toJson(view) + '\n');
    return 0;
  }
  const lines = [
    `Job ${view.jobId} (${view.kind}) is ${view.status}: ${view.gpuHours} GPU-hours in slots ${view.earliestSlot}..` +
      `${view.deadlineSlot - 1}, class ≥ ${view.minClassId}, at most ${usd(view.maxPricePerGpuHourUsdc6)} per GPU-hour, ` +
      `min green ${pct(view.minGreenShareBps)}; buyer ${view.buyer}`,
    view.status === 'open'
      ? `  escrowed ${usd(view.budgetUsdc6 + view.incentiveUsdc6)}, waiting for the scheduler`
      : `  hours cost ${usd(view.spentUsdc6)}; incentive still escrowed ${usd(view.incentiveUsdc6)}`,
    ...view.placements.map(
      (p, i) =>
        `  #${i} slot ${p.slot} (${slotTime(p.slot)})  node ${p.nodeId}  class ${p.classId}  ${p.gpuHours} GPU-h  ${p.status}`,
    ),
  ];
  if (view.aggregatorNodeId !== 0n) lines.push(`  sharded: node ${view.aggregatorNodeId} aggregates`);
  io.stdout(lines.join('\n') + '\n');
  return 0;
}
