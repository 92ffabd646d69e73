// Shared by the hour-market actions: hour ids, input checks that name the field, slippage bounds, deadlines and the
// approvals a market call needs.
import { isAddress, zeroAddress, type Address } from 'viem';
import { computeHoursAbi, settlementTokenAbi } from '@greenhour/contracts';
import type { Clients } from './clients.ts';
import { transact } from './transact.ts';

/** HourMarket.Status, in the contract's enum order. */
export const MARKET_STATUS = ['Upcoming', 'InProgress', 'Exited'] as const;
export type MarketStatus = (typeof MARKET_STATUS)[number];

/** A trade's default deadline: this long after the chain's latest block. */
export const DEFAULT_DEADLINE_S = 600n;

const MAX_HOUR_ID = (1n << 48n) - 1n;
const UINT16_MAX = 0xffff;
const UINT32_MAX = 0xffff_ffff;
const BPS = 10_000n;

/** ERC-1155 id of the hours of `classId` in `slot`: classId << 32 | slot. */
export function hourIdOf(classId: number, slot: number): bigint {
  checkClassId(classId);
  checkSlot(slot, 'slot');
  return (BigInt(classId) << 32n) | BigInt(slot);
}

/** The capacity class and slot of an hour id. */
export function decodeHourId(hourId: bigint): { classId: number; slot: number } {
  checkHourId(hourId);
  return { classId: Number(hourId >> 32n), slot: Number(hourId & 0xffff_ffffn) };
}

export function checkHourId(hourId: unknown, field = 'hourId'): asserts hourId is bigint {
  if (typeof hourId !== 'bigint' || hourId < 0n || hourId > MAX_HOUR_ID)
    throw new Error(`${field}: must be an hour id (a bigint classId << 32 | slot below 2^48), got ${String(hourId)}`);
}

export function checkPositive(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value <= 0n)
    throw new Error(`${field}: must be a positive bigint, got ${String(value)}`);
}

export function checkNonNegative(value: unknown, field: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n)
    throw new Error(`${field}: must be a non-negative bigint, got ${String(value)}`);
}

/** Basis points of tolerated price movement, 0 (exact) to 10,000 (any price). */
export function checkSlippageBps(value: unknown, field = 'slippageBps'): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000)
    throw new Error(`${field}: must be an integer from 0 to 10000, got ${String(value)}`);
}

export function checkClassId(value: unknown, field = 'classId'): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT16_MAX)
    throw new Error(`${field}: must be an integer from 0 to ${UINT16_MAX}, got ${String(value)}`);
}

export function checkSlot(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX)
    throw new Error(`${field}: must be an hour slot (an integer from 0 to ${UINT32_MAX}), got ${String(value)}`);
}

export function checkDeadline(value: unknown, field = 'deadline'): void {
  if (value !== undefined) checkPositive(value, field);
}

/** The most a buyer pays: the quote raised by `slippageBps`, rounded up. */
export function maxWithSlippage(quoteUsdc6: bigint, slippageBps: number): bigint {
  return (quoteUsdc6 * (BPS + BigInt(slippageBps)) + BPS - 1n) / BPS;
}

/** The least a seller accepts: the quote lowered by `slippageBps`, rounded down. */
export function minWithSlippage(quoteUsdc6: bigint, slippageBps: number): bigint {
  return (quoteUsdc6 * (BPS - BigInt(slippageBps))) / BPS;
}

/** `deadline`, or the chain's latest block time plus DEFAULT_DEADLINE_S (chain time, not this machine's clock). */
export async function deadlineOrDefault({ publicClient }: Clients, deadline: bigint | undefined): Promise<bigint> {
  if (deadline !== undefined) return deadline;
  return (await publicClient.getBlock()).timestamp + DEFAULT_DEADLINE_S;
}

/** Approves `spender` for exactly `amountUsdc6` of the settlement token unless the allowance already covers it. */
export async function ensureAllowance(
  clients: Clients,
  token: Address,
  spender: Address,
  amountUsdc6: bigint,
): Promise<void> {
  const allowance = await clients.publicClient.readContract({
    address: token,
    abi: settlementTokenAbi,
    functionName: 'allowance',
    args: [clients.account.address, spender],
  });
  if (allowance >= amountUsdc6) return;
  await transact(clients, {
    address: token,
    abi: settlementTokenAbi,
    functionName: 'approve',
    args: [spender, amountUsdc6],
  });
}

/** Lets `operator` move the caller's compute hours (ERC-1155 setApprovalForAll) unless it already may. */
export async function ensureHoursApproval(clients: Clients, computeHours: Address, operator: Address): Promise<void> {
  const approved = await clients.publicClient.readContract({
    address: computeHours,
    abi: computeHoursAbi,
    functionName: 'isApprovedForAll',
    args: [clients.account.address, operator],
  });
  if (approved) return;
  await transact(clients, {
    address: computeHours,
    abi: computeHoursAbi,
    functionName: 'setApprovalForAll',
    args: [operator, true],
  });
}

export function checkAddress(value: unknown, field: string): void {
  if (typeof value !== 'string' || !isAddress(value, { strict: false }) || value === zeroAddress)
    throw new Error(`${field}: must be a non-zero address, got ${String(value)}`);
}
