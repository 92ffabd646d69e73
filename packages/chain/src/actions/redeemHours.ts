import { computeHoursAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';

/**
 * During the hour's slot, burns `amount` hours of `id` held by the caller and assigns their delivery to `nodeId`.
 * Resolves to the on-chain redemption id naming the holder, the node and the hours.
 */
export async function redeemHours(
  clients: Clients,
  deployment: Pick<Deployment, 'computeHours'>,
  id: bigint,
  nodeId: bigint,
  amount: bigint,
): Promise<bigint> {
  const { receipt } = await transact(clients, {
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'redeem',
    args: [id, nodeId, amount],
  });
  // From the event, not the simulation: another redemption may have been mined first on a busy chain.
  return findEvent(receipt, deployment.computeHours, computeHoursAbi, 'HoursRedeemed').args.redemptionId;
}
