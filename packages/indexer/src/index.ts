export {
  startIndexer,
  createIndexer,
  indexerSettings,
  DEFAULT_CONFIRMATIONS,
  DEFAULT_LOCAL_CONFIRMATIONS,
  DEFAULT_POLL_MS,
  DEFAULT_BATCH_BLOCKS,
  LOCAL_CHAIN_ID,
  type Indexer,
  type IndexerOptions,
  type IndexerStatus,
  type IndexerLog,
} from './indexer.ts';
export {
  CONTRACTS,
  contractsOf,
  decodeLog,
  toJsonValue,
  type EventRow,
  type RawLog,
  type ContractName,
} from './decode.ts';
export { nextRange, findCommonAncestor, type BlockRef } from './reorg.ts';
export {
  listNodes,
  getNode,
  listTrades,
  listEvents,
  portfolio,
  attestationHistory,
  MAX_PAGE_LIMIT,
  DEFAULT_PAGE_LIMIT,
  type Page,
  type PageParams,
  type NodeRow,
  type TradeRow,
  type EventListRow,
  type Portfolio,
} from './queries.ts';
export { indexerRoutes, type IndexerRoutesOptions } from './routes.ts';
