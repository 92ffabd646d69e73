import { computeHoursAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { transact } from '../transact.ts';

/** Node owner mints `amount` compute hours for `slot` (floor(unix seconds / 3600)); resolves to the token id. */
export async function mintHours(
  clients: Clients,
  deployment: Pick<Deployment, 'computeHours'>,
  nodeId: bigint,
  slot: number,
  amount: bigint,
): Promise<bigint> {
  const { result } = await transact(clients, {
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'mint',
    args: [nodeId, slot, amount],
  });
  return result as bigint;
}

/** The hour slot of a unix time in seconds: floor(t / 3600). */
export function slotOf(unixSeconds: number | bigint): number {
  return Math.floor(Number(unixSeconds) / 3600);
}
