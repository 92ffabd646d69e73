// Public API of @greenhour/agent.
export {
  loadOrCreateDeviceKey,
  encryptKeystore,
  decryptKeystore,
  KeystoreError,
  KEYSTORE_VERSION,
  STANDARD_SCRYPT,
  LIGHT_SCRYPT,
  MAX_SCRYPT_MEMORY,
  type DeviceKey,
  type KeystoreFile,
  type KeystoreOptions,
  type ScryptCost,
} from './keystore.ts';
export { checkReading, READING_ENERGY_FIELDS, type MeterDriver, type WindowReading } from './meter.ts';
export {
  SimulatedSiteDriver,
  GPU_IDLE_SHARE,
  GPU_BUSY_SHARE,
  type SiteSpec,
  type SimulatedSiteOptions,
} from './simulated.ts';
export {
  Outbox,
  OutboxError,
  DEFAULT_RETENTION_SECONDS,
  DEFAULT_COMPACT_AFTER,
  JOURNAL_FILE,
  STATE_FILE,
  LOCK_FILE,
  type OutboxEntry,
  type OutboxOptions,
} from './outbox.ts';
export {
  NodeAgent,
  parseResendRequest,
  CLIENT_ID_PREFIX,
  DEFAULT_WINDOW_SECONDS,
  DEFAULT_MAX_IN_FLIGHT,
  MAX_RESEND_SPAN,
  MAX_CATCH_UP_WINDOWS,
  type NodeAgentOptions,
  type ResendRequest,
} from './agent.ts';
export { runAgentCli, UsageError, PASSWORD_ENV, PASSWORD_FILE_ENV, type AgentIo } from './cli.ts';
export {
  LightNode,
  LightNodeError,
  readLightNodeStore,
  LIGHT_NODE_FILE,
  CHALLENGE_WINDOW_SECONDS,
  COMMIT_DEADLINE_SECONDS,
  CHALLENGER_REWARD_BPS,
  DEFAULT_CHECK_INTERVAL_MS,
  type LightNodeOptions,
  type LightNodeStore,
  type LightNodeMetrics,
  type HourCheck,
  type HourState,
  type ChallengeState,
  type ChallengeStatus,
  type RecordSummary,
  type RegistrationCheck,
} from './lightnode.ts';
export {
  readProvenStorage,
  readProvenNode,
  readProvenCommitment,
  readProvenRecordStatus,
  verifyHeader,
  mappingSlot,
  LightClientError,
  NODE_REGISTRY_LAYOUT,
  ATTESTATION_ORACLE_LAYOUT,
  type ProvenNode,
  type ProvenCommitment,
  type ProvenStorage,
} from './lightclient.ts';
export { lightNodeReport, postLightNodeReport, type PostReportOptions } from './report.ts';
