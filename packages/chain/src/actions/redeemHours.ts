import { decodeEventLog } from 'viem';
import { computeHoursAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';

/**
 * During the hour's slot, burns `amount` hours of `id` held by the caller and assigns their delivery to `nodeId`.
 * Resolves to the on-chain redemption id naming the holder, the node and the hours.
 */
export async function redeemHours(
  { publicClient, walletClient }: Clients,
  deployment: Pick<Deployment, 'computeHours'>,
  id: bigint,
  nodeId: bigint,
  amount: bigint,
): Promise<bigint> {
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'redeem',
    args: [id, nodeId, amount],
  });
  const hash = await walletClient.writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== deployment.computeHours.toLowerCase()) continue;
    const event = decodeEventLog({ abi: computeHoursAbi, data: log.data, topics: log.topics, strict: false });
    if (event.eventName === 'HoursRedeemed') return event.args.redemptionId as bigint;
  }
  throw new Error(`redeem: no HoursRedeemed event in ${hash}`);
}
