-- The telemetry and attestation schema as it stood before versioned migrations (docs/TELEMETRY.md). Only this
-- baseline says IF NOT EXISTS: it adopts a database created by an earlier release, which had no migration table.
CREATE TABLE IF NOT EXISTS deployment (
  id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  chain_id BIGINT NOT NULL,
  oracle TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS telemetry_messages (
  device TEXT NOT NULL,
  seq BIGINT NOT NULL,
  node_id BIGINT NOT NULL,
  slot BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  pv_wh BIGINT NOT NULL,
  battery_in_wh BIGINT NOT NULL,
  battery_out_wh BIGINT NOT NULL,
  grid_import_wh BIGINT NOT NULL,
  grid_export_wh BIGINT NOT NULL,
  gpu_wh BIGINT NOT NULL,
  ev_wh BIGINT NOT NULL,
  uptime_s BIGINT NOT NULL,
  jobs_hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (device, seq)
);
CREATE INDEX IF NOT EXISTS telemetry_messages_slot ON telemetry_messages (slot, node_id, seq);
CREATE TABLE IF NOT EXISTS device_state (
  device TEXT PRIMARY KEY,
  node_id BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  last_window_end BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS telemetry_gaps (
  device TEXT NOT NULL,
  from_seq BIGINT NOT NULL,
  to_seq BIGINT NOT NULL,
  after_window_end BIGINT NOT NULL,
  before_window_start BIGINT NOT NULL,
  PRIMARY KEY (device, from_seq)
);
CREATE TABLE IF NOT EXISTS telemetry_rejections (
  reason TEXT PRIMARY KEY,
  count BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS attestations (
  slot BIGINT PRIMARY KEY,
  root TEXT,
  record_count BIGINT NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT
);
CREATE TABLE IF NOT EXISTS node_hours (
  slot BIGINT NOT NULL,
  node_id BIGINT NOT NULL,
  leaf_index BIGINT NOT NULL,
  green_wh BIGINT NOT NULL,
  grid_wh BIGINT NOT NULL,
  gpu_wh BIGINT NOT NULL,
  uptime_s BIGINT NOT NULL,
  message_count BIGINT NOT NULL,
  messages_hash TEXT NOT NULL,
  proof TEXT NOT NULL,
  claimed BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (slot, node_id)
);
