export { relayRoutes, MAX_BODY_BYTES, type RelayRoutesOptions } from './routes.ts';
export { Relay, type Relayed, type RelayedStatus, type RelayOptions } from './relay.ts';
export {
  checkTransaction,
  describeRevert,
  MAX_TRANSACTION_BYTES,
  RELAYABLE,
  type CheckedTransaction,
} from './validate.ts';
