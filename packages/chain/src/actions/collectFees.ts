import type { Address } from 'viem';
import { hourMarketAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { findEvent, transact } from '../transact.ts';
import { checkAddress, checkPositive } from '../market.ts';

/**
 * Pays a position's earnings (its share of trading fees and of the cash freed as unit value decays) to `recipient`
 * (default: the caller), in any market status. Resolves to the amount paid, from the Collected event.
 */
export async function collectFees(
  clients: Clients,
  deployment: Pick<Deployment, 'hourMarket'>,
  params: { positionId: bigint; recipient?: Address },
): Promise<bigint> {
  checkPositive(params.positionId, 'positionId');
  const recipient = params.recipient ?? clients.account.address;
  checkAddress(recipient, 'recipient');
  const { receipt } = await transact(clients, {
    address: deployment.hourMarket,
    abi: hourMarketAbi,
    functionName: 'collect',
    args: [params.positionId, recipient],
  });
  return findEvent(receipt, deployment.hourMarket, hourMarketAbi, 'Collected').args.amountUsdc6;
}
