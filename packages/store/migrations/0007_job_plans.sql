-- The scheduler's plan of each job it assigned (packages/jobs): the node-hours, their forecast own green energy and
-- zone intensity, and the expected carbon account, as JSON with amounts and ids as decimal strings. Written in the
-- same step that sends the assignment; the chain holds the placements, this keeps what they were expected to emit.
CREATE TABLE job_plans (
  chain_id BIGINT NOT NULL,
  job_id NUMERIC NOT NULL,
  planned_at BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  plan JSONB NOT NULL,
  PRIMARY KEY (chain_id, job_id)
);
