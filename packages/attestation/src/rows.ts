// Database rows to protocol values. BIGINT columns arrive as numbers (PostgreSQL: our INT8 parser) or bigints (PGlite).
import type { Address, Hex } from 'viem';
import type { NodeHourRecord, Telemetry } from '@greenhour/telemetry';

export interface MessageRow {
  device: string;
  seq: number;
  node_id: number;
  slot: number;
  window_start: number;
  window_end: number;
  pv_wh: number;
  battery_in_wh: number;
  battery_out_wh: number;
  battery_soc_wh: number;
  grid_import_wh: number;
  grid_export_wh: number;
  gpu_wh: number;
  ev_wh: number;
  uptime_s: number;
  jobs_hash: Hex;
  signature: Hex;
  digest: Hex;
}

export interface NodeHourRow {
  slot: number;
  node_id: number;
  leaf_index: number;
  green_wh: number;
  grid_wh: number;
  gpu_wh: number;
  uptime_s: number;
  message_count: number;
  messages_hash: Hex;
  proof: string;
  claimed: boolean;
}

export function messageOfRow(r: MessageRow): Telemetry {
  return {
    device: r.device as Address,
    seq: Number(r.seq),
    windowStart: Number(r.window_start),
    windowEnd: Number(r.window_end),
    pvWh: Number(r.pv_wh),
    batteryInWh: Number(r.battery_in_wh),
    batteryOutWh: Number(r.battery_out_wh),
    batterySocWh: Number(r.battery_soc_wh),
    gridImportWh: Number(r.grid_import_wh),
    gridExportWh: Number(r.grid_export_wh),
    gpuWh: Number(r.gpu_wh),
    evWh: Number(r.ev_wh),
    uptimeS: Number(r.uptime_s),
    jobsHash: r.jobs_hash,
  };
}

export function recordOfRow(r: NodeHourRow): NodeHourRecord {
  return {
    nodeId: Number(r.node_id),
    slot: Number(r.slot),
    greenWh: Number(r.green_wh),
    gridWh: Number(r.grid_wh),
    gpuWh: Number(r.gpu_wh),
    uptimeS: Number(r.uptime_s),
    messageCount: Number(r.message_count),
    messagesHash: r.messages_hash,
  };
}
