import type { Address } from 'viem';
import { computeHoursAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { transact } from '../transact.ts';

/** Moves `amount` hours of `id` from the caller to `to`; reverts with SlotStarted once the hour's slot has begun. */
export async function transferHours(
  clients: Clients,
  deployment: Pick<Deployment, 'computeHours'>,
  to: Address,
  id: bigint,
  amount: bigint,
): Promise<void> {
  await transact(clients, {
    address: deployment.computeHours,
    abi: computeHoursAbi,
    functionName: 'safeTransferFrom',
    args: [clients.account.address, to, id, amount, '0x'],
  });
}
