export { openDatabase, bindDeployment, type Database, type Sql } from '@greenhour/store';
export { RegistryDirectory, type NodeDirectory, type NodeInfo } from './directory.ts';
export {
  Ingest,
  REJECTIONS,
  MAX_CLOCK_SKEW_S,
  type Rejection,
  type Gap,
  type IngestStats,
  type StoredWindow,
} from './ingest.ts';
export {
  Attester,
  DEFAULT_GRACE_S,
  ATTESTER_FAULT_MODES,
  parseAttesterFault,
  type AttesterOptions,
  type AttestationStatus,
  type AttesterFault,
  type AttesterFaultMode,
} from './attester.ts';
export { CheckPool, type CheckPoolOptions } from './checkPool.ts';
export { WindowChecker, type CheckedWindow, type WindowInput } from './check.ts';
export { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
export { subscribeTelemetry, type Subscriber, type SubscribeOptions } from './subscriber.ts';
export { partitionOf, partitionFilters } from './partition.ts';
export { messageOfRow, recordOfRow } from './rows.ts';
export { loadEvidence, challengeRecord, type NodeHourEvidence } from './challenger.ts';
export { FAULTS, type Fault } from '@greenhour/telemetry';
export { recordArg } from './attester.ts';
export { startApi } from './api.ts';
export type { ApiServer } from '@greenhour/api';
export { attestationRoutes, type AttestationRoutesOptions, type LightNodeReport } from './routes.ts';
export { LightNodeReports, MAX_REPORT_AGE_S, MAX_REPORT_BYTES, type SignedReport } from './reports.ts';
