export { openDatabase, bindDeployment, ConfigError as DatabaseConfigError, type Database, type Sql } from './db.ts';
export { RegistryDirectory, type NodeDirectory, type NodeInfo } from './directory.ts';
export { Ingest, REJECTIONS, MAX_CLOCK_SKEW_S, type Rejection, type Gap, type IngestStats } from './ingest.ts';
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
export { startEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
export { subscribeTelemetry, type Subscriber } from './subscriber.ts';
export { messageOfRow, recordOfRow } from './rows.ts';
export { loadEvidence, challengeRecord, type NodeHourEvidence } from './challenger.ts';
export { FAULTS, type Fault } from '@greenhour/telemetry';
export { recordArg } from './attester.ts';
export { startApi, ApiError, type ApiServer, type ApiOptions, type LightNodeReport } from './api.ts';
