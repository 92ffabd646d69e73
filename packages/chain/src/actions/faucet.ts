import type { Address } from 'viem';
import { settlementTokenAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { transact } from '../transact.ts';

/** Demo faucet: mints the local SettlementToken (the caller needs MINTER_ROLE). Refuses an external stablecoin. */
export async function faucet(
  clients: Clients,
  deployment: Pick<Deployment, 'settlementToken' | 'settlementTokenDeployed'>,
  to: Address,
  amountUsdc6: bigint,
): Promise<void> {
  if (!deployment.settlementTokenDeployed)
    throw new Error('faucet: the settlement token is an external stablecoin; there is nothing to mint');
  if (amountUsdc6 <= 0n) throw new Error(`amountUsdc6: must be positive, got ${amountUsdc6}`);
  await transact(clients, {
    address: deployment.settlementToken,
    abi: settlementTokenAbi,
    functionName: 'mint',
    args: [to, amountUsdc6],
  });
}
