import { useMemo } from 'react';
import { decodeGeohash } from '@greenhour/fleet/geohash';
import { getTelemetryStats, listNodes, type Node, type NodeStatus } from '../api.ts';
import { formatInt, formatUsdc6, shortHex } from '../format.ts';
import { Chart, Empty, Figure, Show, useApi } from '../ui.tsx';

export const STATUS_LABEL: Record<NodeStatus, string> = {
  active: 'online',
  unbonding: 'in progress (unbonding)',
  exited: 'exited',
};
const STATUS_COLOR: Record<NodeStatus, string> = { active: '#2e9e55', unbonding: '#e0a100', exited: '#9a9a9a' };

async function allNodes(): Promise<Node[]> {
  const nodes: Node[] = [];
  let cursor: string | undefined;
  do {
    const page = await listNodes({ limit: 200, cursor });
    nodes.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return nodes;
}

function FleetMap({ nodes }: { nodes: Node[] }) {
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (p: { data?: { node?: Node } }) => {
          const n = p.data?.node;
          if (n === undefined) return '';
          return `node ${n.nodeId} · ${n.siteType} · zone ${n.zone}<br/>${STATUS_LABEL[n.status]}<br/>${n.gpuCount} × ${n.gpuModel}, PV ${formatInt(n.pvW, 'W')}`;
        },
      },
      legend: { bottom: 0, data: Object.values(STATUS_LABEL) },
      geo: {
        map: 'world',
        // The inhabited band, so that the sites are not squeezed into a corner; drag and scroll to move and zoom.
        boundingCoords: [
          [-135, 65],
          [155, -45],
        ],
        roam: true,
        silent: true,
        itemStyle: { areaColor: '#eef1f4', borderColor: '#b8c0c8' },
        emphasis: { disabled: true },
      },
      series: (Object.keys(STATUS_LABEL) as NodeStatus[]).map((status) => ({
        name: STATUS_LABEL[status],
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: 11,
        itemStyle: { color: STATUS_COLOR[status], borderColor: '#fff', borderWidth: 1 },
        label: {
          show: true,
          position: 'right',
          formatter: (p: { data: { zone: string } }) => p.data.zone,
          fontSize: 10,
        },
        labelLayout: { hideOverlap: true },
        data: nodes
          .filter((n) => n.status === status)
          .map((n) => {
            const c = decodeGeohash(n.geohash);
            return { value: [c.lonDeg, c.latDeg], node: n, zone: n.zone };
          }),
      })),
    }),
    [nodes],
  );
  return <Chart option={option} height={460} id="fleet-map" />;
}

export function FleetPage() {
  const stats = useApi(getTelemetryStats, [], 10_000);
  const nodes = useApi(allNodes, [], 30_000);
  return (
    <section>
      <h2>Fleet</h2>
      <p className="lede">
        Every registered site (a station, a charging pile or a home with GPUs, solar and a battery), where it is and
        what it has staked. Colours: <span style={{ color: STATUS_COLOR.active }}>● online</span>,{' '}
        <span style={{ color: STATUS_COLOR.unbonding }}>
          ● in progress (unbonding: leaving, stake not yet returned)
        </span>
        , <span style={{ color: STATUS_COLOR.exited }}>● exited</span>.
      </p>
      <h3>Telemetry received</h3>
      <Show value={stats} what="Telemetry statistics">
        {(s) => (
          <div className="figures">
            <Figure id="stats-devices" label="devices reporting" value={formatInt(s.devices)} />
            <Figure
              id="stats-accepted"
              label="telemetry windows accepted (1 window = 1 minute)"
              value={formatInt(s.accepted)}
            />
            <Figure
              id="stats-rejected"
              label="windows rejected, by reason"
              value={
                Object.keys(s.rejected).length === 0
                  ? 'none'
                  : Object.entries(s.rejected)
                      .map(([reason, count]) => `${reason}: ${formatInt(count)}`)
                      .join(', ')
              }
            />
            <Figure id="stats-gaps" label="open gaps (windows asked to be resent)" value={formatInt(s.openGaps)} />
          </div>
        )}
      </Show>
      <h3>Sites on the map</h3>
      <p className="note">
        Each dot is a site at its registered location (geohash), labelled with its grid zone; hover a dot for its specs.
        Drag or scroll the map to move and zoom.
      </p>
      <Show value={nodes} what="Registered sites">
        {(list) =>
          list.length === 0 ? (
            <Empty>No site is registered yet.</Empty>
          ) : (
            <>
              <FleetMap nodes={list} />
              <table id="nodes-table">
                <thead>
                  <tr>
                    <th>node</th>
                    <th>status</th>
                    <th>site type</th>
                    <th>zone</th>
                    <th>GPUs</th>
                    <th>capacity class</th>
                    <th className="num">PV (W peak)</th>
                    <th className="num">battery (Wh)</th>
                    <th className="num">charger (W)</th>
                    <th className="num">stake</th>
                    <th>owner</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((n) => (
                    <tr key={n.nodeId} data-node={n.nodeId}>
                      <td>{n.nodeId}</td>
                      <td>
                        <span style={{ color: STATUS_COLOR[n.status] }}>●</span> {STATUS_LABEL[n.status]}
                      </td>
                      <td>{n.siteType}</td>
                      <td>{n.zone}</td>
                      <td>
                        {n.gpuCount} × {n.gpuModel}
                      </td>
                      <td>{n.classId}</td>
                      <td className="num" data-col="pvW">
                        {formatInt(n.pvW)}
                      </td>
                      <td className="num" data-col="batteryWh">
                        {formatInt(n.batteryWh)}
                      </td>
                      <td className="num" data-col="chargerW">
                        {formatInt(n.chargerW)}
                      </td>
                      <td className="num" data-col="stake">
                        {formatUsdc6(n.stakeUsdc6)}
                      </td>
                      <td title={n.owner}>{shortHex(n.owner)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Show>
    </section>
  );
}
