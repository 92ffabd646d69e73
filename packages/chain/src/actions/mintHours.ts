import { computeHoursAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';

/** Node owner mints `amount` compute hours for `slot` (floor(unix seconds / 3600)); resolves to the token id. */
export async function mintHours(
  { publicClient, walletClient }: Clients,
  deployment: Pick<Deployment, 'computeHours'>,
  nodeId: bigint,
  slot: number,
  amount: bigint,
): Promise<bigint> {
  const { request, result } = await publicClient.simulateContract({
    account: walletClient.account,
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'mint',
    args: [nodeId, slot, amount],
  });
  const hash = await walletClient.writeContract(request);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`mint: reverted (${hash})`);
  return result;
}

/** The hour slot of a unix time in seconds: floor(t / 3600). */
export function slotOf(unixSeconds: number | bigint): number {
  return Math.floor(Number(unixSeconds) / 3600);
}
