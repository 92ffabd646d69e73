-- What remote node agents, as light nodes, report about their own records (POST /v1/light-nodes/{nodeId}/reports):
-- the latest signed report a node, with the time it was signed at, which later reports must pass (replay protection).
CREATE TABLE light_node_reports (
  node_id BIGINT PRIMARY KEY,
  device TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  report TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
