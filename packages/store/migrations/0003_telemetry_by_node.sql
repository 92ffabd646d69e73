-- A node's windows in time order (GET /v1/nodes/{nodeId}/telemetry, the dashboard's energy page): without it each page
-- scanned every node's windows.
CREATE INDEX telemetry_messages_node_time ON telemetry_messages (node_id, window_start, seq);
