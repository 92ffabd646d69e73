export { startAnvil, anvilBinaryPath, type Anvil, type StartAnvilOptions } from './anvil.ts';
export { connect, type Clients } from './clients.ts';
export { chainConfigFromEnv, ConfigError, ANVIL_DEFAULT_PRIVATE_KEY, type ChainConfig } from './config.ts';
export {
  deploySystem,
  DEFAULT_ATTESTER_BOND_USDC6,
  type DeployOptions,
  type CapacityClassRow,
  type GpuModelRow,
} from './deploy.ts';
export { readDeployment, writeDeployment, deploymentPath, type Deployment } from './deployments.ts';
export { SITE_TYPE_ENUM, DEFAULT_MINIMUM_STAKE_USDC6, type SiteTypeName } from './types.ts';
export { registerNode, geohashToBytes12, type NodeSpecInput } from './actions/registerNode.ts';
export { mintHours, slotOf } from './actions/mintHours.ts';
export { redeemHours } from './actions/redeemHours.ts';
export { transferHours } from './actions/transferHours.ts';
export { transact } from './transact.ts';
export { faucet } from './actions/faucet.ts';
