import { decodeEventLog, type Abi, type ContractEventName, type DecodeEventLogReturnType, type Hex } from 'viem';
import type { Clients } from './clients.ts';

/**
 * Simulates a contract call from the wallet's account (so a revert surfaces with its decoded custom error before any
 * gas is spent), sends it, waits for the receipt and fails on a reverted receipt. Resolves to the simulated return
 * value and the receipt.
 */
export async function transact<const abi extends Abi>(
  { publicClient, walletClient }: Clients,
  call: { address: Hex; abi: abi; functionName: string; args: readonly unknown[] },
) {
  // viem's generic inference over an arbitrary ABI is too deep for one helper; each action states its own types.
  const { request, result } = await publicClient.simulateContract({ account: walletClient.account, ...call } as never);
  const hash = await walletClient.writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${call.functionName}: reverted (${hash})`);
  return { result: result as unknown, receipt };
}

/** The first event named `eventName` that `address` emitted in the receipt's logs. */
export function findEvent<const abi extends Abi, name extends ContractEventName<abi>>(
  receipt: { logs: readonly { address: Hex; data: Hex; topics: readonly Hex[] }[]; transactionHash: Hex },
  address: Hex,
  abi: abi,
  eventName: name,
): DecodeEventLogReturnType<abi, name> {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const event = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: false });
    if (event.eventName === eventName) return event as DecodeEventLogReturnType<abi, name>;
  }
  throw new Error(`${String(eventName)}: not emitted by ${address} in ${receipt.transactionHash}`);
}

/** Every event named `eventName` that `address` emitted in the receipt's logs, in log order. */
export function findEvents<const abi extends Abi, name extends ContractEventName<abi>>(
  receipt: { logs: readonly { address: Hex; data: Hex; topics: readonly Hex[] }[] },
  address: Hex,
  abi: abi,
  eventName: name,
): DecodeEventLogReturnType<abi, name>[] {
  const events: DecodeEventLogReturnType<abi, name>[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const event = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: false });
    if (event.eventName === eventName) events.push(event as DecodeEventLogReturnType<abi, name>);
  }
  return events;
}
