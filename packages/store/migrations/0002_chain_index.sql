-- The chain index (packages/indexer): every event of every contract of the deployment, the indexer's cursor, and the
-- projections the API reads. The projections are views over chain_events, so a rolled-back reorg (a DELETE of the
-- events above the common ancestor) or a replayed batch can never leave them out of step with the events.
-- Token amounts are NUMERIC (uint256 does not fit BIGINT); args hold them as decimal strings.
CREATE TABLE chain_events (
  chain_id BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  block_timestamp BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  log_index INTEGER NOT NULL,
  contract TEXT NOT NULL,
  address TEXT NOT NULL,
  event TEXT NOT NULL,
  args JSONB NOT NULL,
  PRIMARY KEY (chain_id, block_hash, log_index)
);
CREATE INDEX chain_events_order ON chain_events (chain_id, block_number, log_index);
CREATE INDEX chain_events_kind ON chain_events (chain_id, contract, event, block_number, log_index);

-- Hashes of the indexed blocks the reorg walk-back compares with the chain: each batch's last block and every block
-- that had events.
CREATE TABLE chain_blocks (
  chain_id BIGINT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  PRIMARY KEY (chain_id, block_number)
);

-- Last indexed block (number and hash) per chain, and the deployment it indexes (its market address and first block).
CREATE TABLE chain_cursor (
  chain_id BIGINT PRIMARY KEY,
  deployment_key TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL
);

-- ERC-1155 hour movements, one row per (event, id): TransferSingle and each element of TransferBatch.
CREATE VIEW idx_hour_transfers AS
SELECT e.chain_id, e.block_number, e.log_index, 0 AS item, e.args->>'from' AS from_address, e.args->>'to' AS to_address,
       (e.args->>'id')::NUMERIC AS hour_id, (e.args->>'value')::NUMERIC AS amount
  FROM chain_events e WHERE e.contract = 'ComputeHours' AND e.event = 'TransferSingle'
UNION ALL
SELECT e.chain_id, e.block_number, e.log_index, (i.n - 1)::INTEGER AS item, e.args->>'from', e.args->>'to',
       i.id::NUMERIC, (e.args->'values'->>(i.n - 1)::INTEGER)::NUMERIC
  FROM chain_events e, jsonb_array_elements_text(e.args->'ids') WITH ORDINALITY AS i(id, n)
 WHERE e.contract = 'ComputeHours' AND e.event = 'TransferBatch';

CREATE VIEW idx_hour_balances AS
SELECT chain_id, holder, hour_id, SUM(delta) AS balance
  FROM (SELECT chain_id, lower(to_address) AS holder, hour_id, amount AS delta FROM idx_hour_transfers
         WHERE to_address <> '0x0000000000000000000000000000000000000000'
        UNION ALL
        SELECT chain_id, lower(from_address), hour_id, -amount FROM idx_hour_transfers
         WHERE from_address <> '0x0000000000000000000000000000000000000000') m
 GROUP BY chain_id, holder, hour_id
HAVING SUM(delta) <> 0;

-- Hour market trades; class and slot are the hour id's packing (classId << 32 | slot, HourId.sol).
CREATE VIEW idx_trades AS
SELECT e.chain_id, e.block_number, e.log_index, e.block_timestamp, e.tx_hash, e.event AS side,
       (e.args->>'hourId')::NUMERIC AS hour_id,
       div((e.args->>'hourId')::NUMERIC, 4294967296)::INTEGER AS class_id,
       mod((e.args->>'hourId')::NUMERIC, 4294967296)::BIGINT AS slot,
       lower(COALESCE(e.args->>'buyer', e.args->>'seller')) AS trader,
       COALESCE(e.args->>'hoursOut', e.args->>'hoursIn')::NUMERIC AS hours,
       COALESCE(e.args->>'costUsdc6', e.args->>'proceedsUsdc6')::NUMERIC AS usdc6,
       (e.args->>'feeUsdc6')::NUMERIC AS fee_usdc6
  FROM chain_events e WHERE e.contract = 'HourMarket' AND e.event IN ('Bought', 'Sold');

-- Liquidity changes of hour market positions (ERC-721 of HourPositions).
CREATE VIEW idx_liquidity AS
SELECT e.chain_id, e.block_number, e.log_index, e.tx_hash, e.event AS kind,
       (e.args->>'positionId')::NUMERIC AS position_id, (e.args->>'hourId')::NUMERIC AS hour_id,
       (CASE e.event WHEN 'LiquidityAdded' THEN 1 ELSE -1 END) * (e.args->>'shares')::NUMERIC AS shares_delta,
       COALESCE(e.args->>'hoursIn', e.args->>'hoursOut')::NUMERIC AS hours,
       (e.args->>'cashUsdc6')::NUMERIC AS cash_usdc6
  FROM chain_events e WHERE e.contract = 'HourMarket' AND e.event IN ('LiquidityAdded', 'LiquidityRemoved');

CREATE VIEW idx_positions AS
SELECT l.chain_id, l.position_id, MIN(l.hour_id) AS hour_id, SUM(l.shares_delta) AS shares,
       (SELECT lower(t.args->>'to') FROM chain_events t
         WHERE t.chain_id = l.chain_id AND t.contract = 'HourPositions' AND t.event = 'Transfer'
           AND (t.args->>'tokenId')::NUMERIC = l.position_id
         ORDER BY t.block_number DESC, t.log_index DESC LIMIT 1) AS owner,
       COALESCE((SELECT SUM((c.args->>'amountUsdc6')::NUMERIC) FROM chain_events c
         WHERE c.chain_id = l.chain_id AND c.contract = 'HourMarket' AND c.event = 'Collected'
           AND (c.args->>'positionId')::NUMERIC = l.position_id), 0) AS fees_collected_usdc6
  FROM idx_liquidity l GROUP BY l.chain_id, l.position_id;

-- Nodes: registration, stake changes, exit.
CREATE VIEW idx_nodes AS
SELECT r.chain_id, (r.args->>'nodeId')::NUMERIC AS node_id, lower(r.args->>'owner') AS owner,
       (r.args->>'classId')::INTEGER AS class_id, r.args->'spec' AS spec, r.block_number AS registered_block,
       r.block_timestamp AS registered_at,
       CASE WHEN x.exited THEN 'exited' WHEN x.exit_requested THEN 'exiting' ELSE 'active' END AS status,
       CASE WHEN x.exited THEN 0 ELSE (r.args->>'stakeUsdc6')::NUMERIC + x.added - x.removed END AS stake_usdc6,
       x.slashed AS slashed_usdc6
  FROM chain_events r,
       LATERAL (SELECT
         COALESCE(SUM(CASE WHEN s.event = 'StakeAdded' THEN (s.args->>'amountUsdc6')::NUMERIC END), 0) AS added,
         COALESCE(SUM(CASE WHEN s.event IN ('Slashed', 'SlashDebtPaid', 'BondSeized')
                           THEN (s.args->>'amountUsdc6')::NUMERIC END), 0) AS removed,
         COALESCE(SUM(CASE WHEN s.event = 'Slashed' THEN (s.args->>'amountUsdc6')::NUMERIC END), 0) AS slashed,
         bool_or(s.event = 'ExitRequested') IS TRUE AS exit_requested,
         bool_or(s.event = 'NodeExited') IS TRUE AS exited
         FROM chain_events s
        WHERE s.chain_id = r.chain_id AND s.contract = 'NodeRegistry'
          AND s.event IN ('StakeAdded', 'Slashed', 'SlashDebtPaid', 'BondSeized', 'ExitRequested', 'NodeExited')
          AND s.args->>'nodeId' = r.args->>'nodeId') x
 WHERE r.contract = 'NodeRegistry' AND r.event = 'NodeRegistered';

-- Attestation history: commits, exclusions (successful challenges), claims, challenge commitments, bond releases.
CREATE VIEW idx_attestations AS
SELECT e.chain_id, e.block_number, e.log_index, e.block_timestamp, e.tx_hash, e.event,
       (e.args->>'slot')::BIGINT AS slot, (e.args->>'nodeId')::NUMERIC AS node_id, e.args
  FROM chain_events e
 WHERE e.contract = 'AttestationOracle'
   AND e.event IN ('Committed', 'RecordExcluded', 'Claimed', 'ChallengeCommitted', 'AttesterBondReleased');
