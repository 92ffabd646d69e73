// `greenhour market quote | buy | sell`: the hour market of one (capacity class, hour slot) on chain. A quote is the
// market's own quoteBuy / quoteSell in the latest block; buy and sell trade exactly --hours with a bound on the price
// (--max-cost-usd / --min-proceeds-usd, or the quote moved by at most --slippage-bps), refused before anything is
// sent when the quote is already past the bound or the account cannot pay or deliver.
import { type Address } from 'viem';
import { computeHoursAbi, settlementTokenAbi } from '@greenhour/contracts';
import {
  buyHours,
  hourIdOf,
  marketView,
  maxWithSlippage,
  minWithSlippage,
  quoteBuy,
  quoteSell,
  sellHours,
  type Clients,
  type Deployment,
  type MarketView,
} from '@greenhour/chain';
import { UsageError, helpText, parseFlags, type FlagSpecs, type Parsed } from '@greenhour/flags';
import {
  CHAIN_FLAGS,
  KEY_FILE_FLAG,
  RefusedError,
  oneLine,
  openChain,
  readKeyFile,
  revertOf,
  slotTime,
  usd,
  usdToUsdc6,
} from './chainArgs.ts';
import { toJson } from './format.ts';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

const DEFAULT_SLIPPAGE_BPS = 50;

const MARKET_ID_FLAGS = {
  slot: {
    kind: 'integer',
    metavar: 'S',
    min: 0,
    max: 0xffff_ffff,
    required: true,
    help: 'hour slot: floor(UTC seconds / 3600); trading ends when the slot starts',
  },
  class: { kind: 'integer', metavar: 'C', min: 0, max: 0xffff, required: true, help: 'capacity class id' },
  hours: { kind: 'integer', metavar: 'N', min: 1, max: 0xffff_ffff, required: true, help: 'whole hours' },
} as const satisfies FlagSpecs;
const TAIL = {
  ...CHAIN_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON document to stdout (amounts as usdc6 integer strings)' },
  help: { kind: 'boolean', help: 'show this help' },
} as const satisfies FlagSpecs;
const SLIPPAGE = {
  'slippage-bps': {
    kind: 'integer',
    metavar: 'BPS',
    min: 0,
    max: 10_000,
    help: `tolerated move of the price from the quote, basis points (default ${DEFAULT_SLIPPAGE_BPS} when no USD bound is given)`,
  },
} as const satisfies FlagSpecs;

export const MARKET_QUOTE_FLAGS = {
  ...MARKET_ID_FLAGS,
  side: { kind: 'enum', values: ['buy', 'sell'], required: true, help: 'buy: what it costs; sell: what it pays' },
  ...TAIL,
} as const satisfies FlagSpecs;
export const MARKET_BUY_FLAGS = {
  ...MARKET_ID_FLAGS,
  'max-cost-usd': { kind: 'string', metavar: 'USD', help: 'pay at most this, fee included' },
  ...SLIPPAGE,
  ...KEY_FILE_FLAG,
  ...TAIL,
} as const satisfies FlagSpecs;
export const MARKET_SELL_FLAGS = {
  ...MARKET_ID_FLAGS,
  'min-proceeds-usd': { kind: 'string', metavar: 'USD', help: 'receive at least this, after the fee' },
  ...SLIPPAGE,
  ...KEY_FILE_FLAG,
  ...TAIL,
} as const satisfies FlagSpecs;

export const MARKET_QUOTE_HELP = helpText(
  'greenhour market quote --slot S --class C --side buy|sell --hours N [--rpc-url URL] [--deployments DIR] [--json]',
  'What buying (fee included) or selling (after the fee) exactly N hours of class C in slot S costs or pays now,\n' +
    "from the hour market's own quote on chain. No transaction.",
  MARKET_QUOTE_FLAGS,
);
export const MARKET_BUY_HELP = helpText(
  'greenhour market buy --slot S --class C --hours N --key-file PATH [--max-cost-usd USD | --slippage-bps BPS]',
  'Buy exactly N hours of class C in slot S from the hour market, paying at most --max-cost-usd (or the quote plus\n' +
    '--slippage-bps). Refused before anything is sent when the quote is above the bound or the account cannot pay.',
  MARKET_BUY_FLAGS,
);
export const MARKET_SELL_HELP = helpText(
  'greenhour market sell --slot S --class C --hours N --key-file PATH [--min-proceeds-usd USD | --slippage-bps BPS]',
  'Sell exactly N hours of class C in slot S back to the hour market for at least --min-proceeds-usd (or the quote\n' +
    'less --slippage-bps). Refused before anything is sent when the quote is below the bound or the account holds\n' +
    'fewer hours.',
  MARKET_SELL_FLAGS,
);
export const MARKET_HELP = [
  'Usage: greenhour market <quote|buy|sell> [options]',
  '',
  '  market quote    price of N hours of a class and slot (--side buy|sell), no transaction',
  '  market buy      buy N hours with a price bound (--key-file)',
  '  market sell     sell N hours back with a price bound (--key-file)',
  '',
  "Run 'greenhour market <subcommand> --help' for the options.",
].join('\n');

export async function marketCommand(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === '--help' || argv[0] === undefined) {
    io.stdout(MARKET_HELP + '\n');
    return argv[0] === undefined ? 2 : 0;
  }
  if (argv[0] === 'quote') return marketQuote(argv.slice(1), io);
  if (argv[0] === 'buy') return marketTrade('buy', argv.slice(1), io);
  if (argv[0] === 'sell') return marketTrade('sell', argv.slice(1), io);
  throw new UsageError(
    'command',
    `market: unknown subcommand ${JSON.stringify(argv[0])} (expected quote, buy or sell)`,
  );
}

/** The market of --class and --slot, which must be open and still trading (Upcoming). */
async function tradingMarket(
  clients: Clients,
  deployment: Deployment,
  classId: number,
  slot: number,
): Promise<MarketView> {
  const view = await marketView(clients, deployment, hourIdOf(classId, slot));
  const nowSlot = Math.floor(Number(view.timestamp) / 3600);
  if (view.status !== 'Upcoming')
    throw new UsageError(
      '--slot',
      `slot ${slot} (${slotTime(slot)}) has ${view.status === 'InProgress' ? 'started' : 'ended'}: the chain is in ` +
        `slot ${nowSlot}, and hours trade only before their slot`,
    );
  if (!view.open)
    throw new UsageError(
      '--class',
      `no market is open for class ${classId} in slot ${slot}: no hours of it have been provided (or the class is not listed)`,
    );
  return view;
}

async function marketQuote(argv: readonly string[], io: Io): Promise<number> {
  // Help first: the required flags are not checked when asking for it.
  if (argv.includes('--help')) {
    io.stdout(MARKET_QUOTE_HELP + '\n');
    return 0;
  }
  const flags = parseFlags(argv, MARKET_QUOTE_FLAGS);
  const { clients, deployment } = await openChain(flags);
  const view = await tradingMarket(clients, deployment, flags.class, flags.slot);
  const hours = BigInt(flags.hours);
  const side = flags.side as 'buy' | 'sell';
  if (side === 'buy' && hours > BigInt(view.hoursReserve))
    throw new UsageError('--hours', `the market holds ${view.hoursReserve} hours for sale, fewer than ${hours}`);
  let quoteUsdc6: bigint;
  try {
    quoteUsdc6 = await (side === 'buy' ? quoteBuy : quoteSell)(clients, deployment, view.hourId, hours);
  } catch (e) {
    throw new RefusedError('--hours', `the market cannot quote ${hours} hours: ${oneLine(e)}`, { cause: e });
  }
  const doc = {
    side,
    classId: flags.class,
    slot: flags.slot,
    hourId: view.hourId,
    hours,
    quoteUsdc6,
    perHourUsdc6: quoteUsdc6 / hours,
    feeBps: view.feeBps,
    spotPriceUsdc6: view.priceUsdc6!,
    blockNumber: view.blockNumber,
    timestamp: view.timestamp,
  };
  if (flags.json) io.stdout(toJson(doc) + '\n');
  else
    io.stdout(
      `${side === 'buy' ? 'Buying' : 'Selling'} ${hours} hour${hours === 1n ? '' : 's'} of class ${flags.class}, ` +
        `slot ${flags.slot} (${slotTime(flags.slot)}) ${side === 'buy' ? 'costs' : 'pays'} ${usd(quoteUsdc6)} ` +
        `(${usd(doc.perHourUsdc6)} an hour, ${side === 'buy' ? 'fee included' : 'after the fee'}; fee ` +
        `${(view.feeBps / 100).toFixed(2)} %), at block ${view.blockNumber}\n`,
    );
  return 0;
}

async function marketTrade(side: 'buy' | 'sell', argv: readonly string[], io: Io): Promise<number> {
  // Help first: the required flags are not checked when asking for it.
  if (argv.includes('--help')) {
    io.stdout((side === 'buy' ? MARKET_BUY_HELP : MARKET_SELL_HELP) + '\n');
    return 0;
  }
  // One spec per side; the other side's bound is then simply absent.
  const flags: Parsed<typeof MARKET_BUY_FLAGS> & Partial<Parsed<typeof MARKET_SELL_FLAGS>> =
    side === 'buy'
      ? parseFlags(argv, MARKET_BUY_FLAGS)
      : { ...parseFlags(argv, MARKET_SELL_FLAGS), 'max-cost-usd': undefined };
  const boundFlag = side === 'buy' ? '--max-cost-usd' : '--min-proceeds-usd';
  const boundRaw = side === 'buy' ? flags['max-cost-usd'] : flags['min-proceeds-usd'];
  if (boundRaw !== undefined && flags['slippage-bps'] !== undefined)
    throw new UsageError('--slippage-bps', `give ${boundFlag} or --slippage-bps, not both`);
  const boundUsdc6 = boundRaw === undefined ? undefined : usdToUsdc6(boundFlag, boundRaw);
  if (side === 'buy' && boundUsdc6 === 0n) throw new UsageError(boundFlag, 'must be above 0');
  const key = readKeyFile('--key-file', flags['key-file']);
  const { clients, deployment } = await openChain(flags, key);
  const me = clients.account.address;
  const view = await tradingMarket(clients, deployment, flags.class, flags.slot);
  const { hourId } = view;
  const hours = BigInt(flags.hours);
  const what = `${hours} hour${hours === 1n ? '' : 's'} of class ${flags.class}, slot ${flags.slot} (${slotTime(flags.slot)})`;
  const held = () => hoursOf(clients, deployment, me, hourId);

  if (side === 'buy' && hours > BigInt(view.hoursReserve))
    throw new UsageError('--hours', `the market holds ${view.hoursReserve} hours for sale, fewer than ${hours}`);
  if (side === 'sell') {
    const have = await held();
    if (have < hours) throw new RefusedError('--hours', `${me} holds ${have} hours of ${hourId}, fewer than ${hours}`);
  }
  const quoteUsdc6 = await (side === 'buy' ? quoteBuy : quoteSell)(clients, deployment, hourId, hours);
  const slippageBps = flags['slippage-bps'] ?? DEFAULT_SLIPPAGE_BPS;
  const limitUsdc6 =
    boundUsdc6 ??
    (side === 'buy' ? maxWithSlippage(quoteUsdc6, slippageBps) : minWithSlippage(quoteUsdc6, slippageBps));
  if (side === 'buy' ? quoteUsdc6 > limitUsdc6 : quoteUsdc6 < limitUsdc6)
    throw new RefusedError(
      boundFlag,
      `${what} would ${side === 'buy' ? 'cost' : 'pay'} ${usd(quoteUsdc6)} now, ${side === 'buy' ? 'above' : 'below'} ` +
        `your ${side === 'buy' ? 'maximum' : 'minimum'} ${usd(limitUsdc6)}; nothing was ${side === 'buy' ? 'bought' : 'sold'}`,
    );
  if (side === 'buy') {
    const cash = await clients.publicClient.readContract({
      address: deployment.settlementToken,
      abi: settlementTokenAbi,
      functionName: 'balanceOf',
      args: [me],
    });
    if (cash < limitUsdc6)
      throw new RefusedError(
        boundFlag,
        `${me} holds ${usd(cash)}, less than the ${usd(limitUsdc6)} this buy may cost; nothing was bought`,
      );
  }

  io.stderr(
    `greenhour: ${side === 'buy' ? 'buying' : 'selling'} ${what} for ${side === 'buy' ? 'at most' : 'at least'} ` +
      `${usd(limitUsdc6)} (quote ${usd(quoteUsdc6)}); waiting for the transaction…\n`,
  );
  try {
    if (side === 'buy') {
      const r = await buyHours(clients, deployment, { hourId, hours, maxCostUsdc6: limitUsdc6 });
      return report(io, flags.json, {
        side,
        txHash: r.txHash,
        account: me,
        classId: flags.class,
        slot: flags.slot,
        hourId,
        hours,
        paidUsdc6: r.costUsdc6,
        feeUsdc6: r.feeUsdc6,
        maxCostUsdc6: limitUsdc6,
        quoteUsdc6,
        hoursHeld: await held(),
      });
    }
    const r = await sellHours(clients, deployment, { hourId, hours, minProceedsUsdc6: limitUsdc6 });
    return report(io, flags.json, {
      side,
      txHash: r.txHash,
      account: me,
      classId: flags.class,
      slot: flags.slot,
      hourId,
      hours,
      receivedUsdc6: r.proceedsUsdc6,
      feeUsdc6: r.feeUsdc6,
      minProceedsUsdc6: limitUsdc6,
      quoteUsdc6,
      hoursHeld: await held(),
    });
  } catch (e) {
    const name = revertOf(e)?.name;
    if (name === 'CostAboveMax' || name === 'ProceedsBelowMin')
      throw new RefusedError(boundFlag, `the price moved past your bound before the trade was mined: ${oneLine(e)}`, {
        cause: e,
      });
    // Mined and reverted (transact's error): the trade did nothing but use its gas.
    const mined = /^(?:buy|sell): reverted \((0x[0-9a-fA-F]{64})\)$/.exec((e as Error).message ?? '');
    if (mined)
      throw new RefusedError(
        boundFlag,
        `the ${side} transaction ${mined[1]} was mined but reverted (most likely the price moved past your bound ` +
          'before it was mined): no token or hour moved; its gas was spent',
        { cause: e },
      );
    throw new RefusedError(side, `the ${side} failed: ${oneLine(e)}`, { cause: e });
  }
}

function hoursOf(clients: Clients, deployment: Deployment, who: Address, hourId: bigint): Promise<bigint> {
  return clients.publicClient.readContract({
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'balanceOf',
    args: [who, hourId],
  });
}

function report(
  io: Io,
  json: boolean,
  doc: {
    side: 'buy' | 'sell';
    txHash: string;
    hours: bigint;
    classId: number;
    slot: number;
    feeUsdc6: bigint;
    hoursHeld: bigint;
    paidUsdc6?: bigint;
    receivedUsdc6?: bigint;
  } & Record<string, unknown>,
): number {
  if (json) {
    io.stdout(toJson(doc) + '\n');
    return 0;
  }
  const amount = doc.side === 'buy' ? doc.paidUsdc6! : doc.receivedUsdc6!;
  io.stdout(
    [
      `${doc.side === 'buy' ? 'Bought' : 'Sold'} ${doc.hours} hour${doc.hours === 1n ? '' : 's'} of class ${doc.classId}, ` +
        `slot ${doc.slot} (${slotTime(doc.slot)})`,
      `  ${doc.side === 'buy' ? 'paid    ' : 'received'}  ${usd(amount)} (${usd(amount / doc.hours)} an hour; fee ${usd(doc.feeUsdc6)})`,
      `  now held  ${doc.hoursHeld} hours`,
      `  tx        ${doc.txHash}`,
    ].join('\n') + '\n',
  );
  return 0;
}
