export { startAnvil, anvilBinaryPath, type Anvil, type StartAnvilOptions } from './anvil.ts';
export { connect, type Clients } from './clients.ts';
export { chainConfigFromEnv, ConfigError, ANVIL_DEFAULT_PRIVATE_KEY, type ChainConfig } from './config.ts';
export {
  deploySystem,
  DEFAULT_ATTESTER_BOND_PER_RECORD_USDC6,
  marketClassFor,
  bondCoveringCap,
  DATACENTER_ASK_USDC6,
  CONSUMER_ASK_USDC6,
  FLOOR_ENERGY_PRICE_USDC6_PER_KWH,
  MARKET_CAP_PER_ASK,
  DEFAULT_MARKET_DECAY_HORIZON_S,
  type DeployOptions,
  type CapacityClassRow,
  type MarketClassRow,
  type GpuModelRow,
} from './deploy.ts';
export { readDeployment, writeDeployment, deploymentPath, type Deployment } from './deployments.ts';
export { SITE_TYPE_ENUM, DEFAULT_MINIMUM_STAKE_USDC6, type SiteTypeName } from './types.ts';
export {
  registerNode,
  signDeviceBinding,
  geohashToBytes12,
  type DeviceKey,
  type NodeSpecInput,
} from './actions/registerNode.ts';
export { mintHours, slotOf } from './actions/mintHours.ts';
export { redeemHours } from './actions/redeemHours.ts';
export { transferHours } from './actions/transferHours.ts';
export { transact } from './transact.ts';
export {
  hourIdOf,
  decodeHourId,
  MARKET_STATUS,
  DEFAULT_DEADLINE_S,
  maxWithSlippage,
  minWithSlippage,
  type MarketStatus,
} from './market.ts';
export { addLiquidity, type AddLiquidityParams } from './actions/addLiquidity.ts';
export { removeLiquidity, type RemoveLiquidityParams } from './actions/removeLiquidity.ts';
export { collectFees } from './actions/collectFees.ts';
export { buyHours, type BuyHoursParams } from './actions/buyHours.ts';
export { sellHours, type SellHoursParams } from './actions/sellHours.ts';
export {
  buyBundle,
  quoteBundle,
  MAX_BUNDLE_SLOTS,
  type BuyBundleParams,
  type BundleSpec,
} from './actions/buyBundle.ts';
export { sellBasket, type SellBasketParams } from './actions/sellBasket.ts';
export {
  marketView,
  quoteBuy,
  quoteSell,
  positionView,
  classTwapPpm,
  greenIndexBps,
  type MarketView,
} from './actions/marketView.ts';
export { faucet } from './actions/faucet.ts';
export { postJob, JOB_KINDS, type JobKind, type PostJobParams } from './actions/postJob.ts';
export { assignJob, type PlacementRequest } from './actions/assignJob.ts';
export { jobView, type JobView } from './actions/jobView.ts';
export { startMarketSandbox, SANDBOX_CLASS_ID, type MarketSandbox } from './marketSandbox.ts';
export {
  DEPLOYED_CONTRACTS,
  DEPLOYED_ERRORS_ABI,
  oneLine,
  revertOf,
  type DeployedContractName,
  type DeployedContractField,
} from './contracts.ts';
