// Chain configuration from the environment. Absent RPC_URL means the embedded anvil; every value present is checked
// and a bad one is rejected with the variable's name and the reason.
import { isAddress, isHex, type Address, type Hex } from 'viem';

/** anvil's first default account (mnemonic "test test … junk"): public knowledge, only for local chains. */
export const ANVIL_DEFAULT_PRIVATE_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface ChainConfig {
  /** JSON-RPC endpoint of an existing chain; undefined to start the embedded anvil. */
  rpcUrl: string | undefined;
  deployerPrivateKey: Hex;
  /** A real stablecoin to settle in; undefined deploys the local SettlementToken. */
  settlementToken: Address | undefined;
  /** Where deployments/<chainId>.json files go. */
  deploymentsDir: string;
}

import { ConfigError } from '@greenhour/errors';

export { ConfigError };

export function chainConfigFromEnv(env: NodeJS.ProcessEnv, defaultDeploymentsDir: string): ChainConfig {
  const rpcUrl = env.RPC_URL?.trim() || undefined;
  if (rpcUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(rpcUrl);
    } catch {
      throw new ConfigError('RPC_URL', `not a URL: "${rpcUrl}"`);
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
      throw new ConfigError('RPC_URL', `protocol must be http, https, ws or wss, got "${url.protocol}"`);
  }

  const key = env.DEPLOYER_PRIVATE_KEY?.trim();
  if (key !== undefined && key !== '' && !(isHex(key) && key.length === 66))
    throw new ConfigError('DEPLOYER_PRIVATE_KEY', 'must be 0x followed by 64 hex digits');
  if (rpcUrl !== undefined && !key)
    throw new ConfigError(
      'DEPLOYER_PRIVATE_KEY',
      'required when RPC_URL is set (the anvil key is only for the local node)',
    );

  const token = env.SETTLEMENT_TOKEN_ADDRESS?.trim() || undefined;
  if (token !== undefined && !isAddress(token))
    throw new ConfigError('SETTLEMENT_TOKEN_ADDRESS', `not a checksummed or lowercase address: "${token}"`);

  return {
    rpcUrl,
    deployerPrivateKey: (key || ANVIL_DEFAULT_PRIVATE_KEY) as Hex,
    settlementToken: token as Address | undefined,
    deploymentsDir: env.DEPLOYMENTS_DIR?.trim() || defaultDeploymentsDir,
  };
}
