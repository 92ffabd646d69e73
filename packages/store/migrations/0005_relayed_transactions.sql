-- Transactions the relay broadcast for clients that cannot reach the chain (POST /v1/transactions): signed by the
-- sender's own key, so the chain's nonce and chain id make each single-use; the service keeps them to answer
-- GET /v1/transactions/{hash} (the receipt itself is read from the chain). `status` is the last one seen.
CREATE TABLE relayed_transactions (
  hash TEXT PRIMARY KEY,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  contract TEXT NOT NULL,
  function_name TEXT NOT NULL,
  nonce BIGINT NOT NULL,
  submitted_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  block_number BIGINT
);
CREATE INDEX relayed_transactions_by_sender ON relayed_transactions (from_address, nonce);
