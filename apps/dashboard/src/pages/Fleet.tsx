import { useMemo } from 'react';
import { decodeGeohash } from '@greenhour/fleet/geohash';
import { zoneAt } from '@greenhour/fleet/zones';
import { allPages, getIndexerStatus, getTelemetryStats, listNodes, type Node, type NodeStatus } from '../api.ts';
import { bytesToText, formatInt, formatUsdc6, formatUtc, shortHex } from '../format.ts';
import { Chart, Empty, Figure, Show, useApi } from '../ui.tsx';
import { WORLD_GEO } from '../mapView.ts';

export const STATUS_LABEL: Record<NodeStatus, string> = {
  active: 'online',
  exiting: 'in progress (exiting)',
  exited: 'exited',
};
const STATUS_COLOR: Record<NodeStatus, string> = { active: '#2e9e55', exiting: '#e0a100', exited: '#9a9a9a' };

/** The NodeRegistry's `SiteType` enum (contracts/src/NodeRegistry.sol), as the registry stores it. */
const SITE_TYPE: Record<number, string> = { 0: 'station', 1: 'charging pile', 2: 'home' };
export const siteTypeName = (t: number) => SITE_TYPE[t] ?? `site type ${t}`;
/** The registered geohash and GPU model, as text. */
export const geohashOf = (n: Node) => bytesToText(n.spec.geohash);
export const gpuModelOf = (n: Node) => bytesToText(n.spec.gpuModel);

/** Every registered node, by node id as a number (the API orders ids as text: 1, 10, 11, 2, …). */
export const allNodes = async () =>
  (await allPages((q) => listNodes(q))).sort((a, b) => Number(BigInt(a.nodeId) - BigInt(b.nodeId)));

/** The grid zone of a site's registered location (one of the zones the project has energy data for), if any. */
export const zoneOf = (n: Node): string | undefined => {
  const c = decodeGeohash(geohashOf(n));
  return zoneAt(c.latDeg, c.lonDeg)?.name;
};

/** Map labels, one per grid zone ("Singapore: node 1, 9") on its first site; a site outside the shipped zones is
 * labelled alone, unless another such site lies within about 5° (a few pixels on the world map). */
function mapLabels(nodes: Node[]): Map<string, string> {
  const groups: { key: string; points: { lat: number; lon: number }[]; ids: string[] }[] = [];
  for (const n of nodes) {
    const c = decodeGeohash(geohashOf(n));
    const zone = zoneOf(n);
    const near = groups.find((g) =>
      zone !== undefined
        ? g.key === zone
        : g.key === '' && g.points.some((p) => Math.hypot(p.lat - c.latDeg, p.lon - c.lonDeg) < 5),
    );
    if (near) {
      near.ids.push(n.nodeId);
      near.points.push({ lat: c.latDeg, lon: c.lonDeg });
    } else groups.push({ key: zone ?? '', points: [{ lat: c.latDeg, lon: c.lonDeg }], ids: [n.nodeId] });
  }
  return new Map(
    groups.map((g) => [
      g.ids[0]!,
      `${g.key ? `${g.key}: ` : ''}node${g.ids.length > 1 ? 's' : ''} ${g.ids.join(', ')}`,
    ]),
  );
}

function FleetMap({ nodes }: { nodes: Node[] }) {
  const option = useMemo(() => {
    const labels = mapLabels(nodes);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data?: { node?: Node } }) => {
          const n = p.data?.node;
          if (n === undefined) return '';
          return `node ${n.nodeId} · ${siteTypeName(n.spec.siteType)} · ${zoneOf(n) ?? 'no shipped zone'} · geohash ${geohashOf(n)}<br/>${STATUS_LABEL[n.status]}<br/>${n.spec.gpuCount} × ${gpuModelOf(n)}, PV ${formatInt(n.spec.pvWp, 'W peak')}`;
        },
      },
      legend: { bottom: 0, data: Object.values(STATUS_LABEL) },
      geo: WORLD_GEO,
      series: (Object.keys(STATUS_LABEL) as NodeStatus[]).map((status) => ({
        name: STATUS_LABEL[status],
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: 11,
        itemStyle: { color: STATUS_COLOR[status], borderColor: '#fff', borderWidth: 1 },
        label: {
          show: true,
          position: 'right',
          formatter: (p: { data: { label: string } }) => p.data.label,
          fontSize: 10,
        },
        data: nodes
          .filter((n) => n.status === status)
          .map((n) => {
            const c = decodeGeohash(geohashOf(n));
            return { value: [c.lonDeg, c.latDeg], node: n, label: labels.get(n.nodeId) ?? '' };
          }),
      })),
    };
  }, [nodes]);
  return <Chart option={option} height={460} id="fleet-map" map="world" />;
}

export function FleetPage() {
  const stats = useApi(getTelemetryStats, [], 10_000);
  const nodes = useApi(allNodes, [], 30_000);
  const indexer = useApi(getIndexerStatus, [], 10_000);
  return (
    <section>
      <h2>Fleet</h2>
      <p className="lede">
        Every registered site (a station, a charging pile or a home with GPUs, solar and a battery), where it is and
        what it has staked. Colours: <span style={{ color: STATUS_COLOR.active }}>● online</span>,{' '}
        <span style={{ color: STATUS_COLOR.exiting }}>● in progress (exiting: leaving, stake not yet returned)</span>,{' '}
        <span style={{ color: STATUS_COLOR.exited }}>● exited</span>.
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
      <h3>Chain indexer</h3>
      <p className="note">
        Sites, markets' trades and portfolios are read from the service's index of the chain's events; this is how far
        it has read.
      </p>
      <Show value={indexer} what="Indexer status">
        {(x) => (
          <div className="figures">
            <Figure id="indexer-cursor" label="last block indexed" value={formatInt(x.cursorBlock)} />
            <Figure
              id="indexer-head"
              label="chain head block"
              value={x.headBlock === null ? 'not read yet' : formatInt(x.headBlock)}
            />
            <Figure
              id="indexer-lag"
              label="blocks behind"
              value={x.lagBlocks === null ? 'not known yet' : formatInt(x.lagBlocks)}
            />
            <Figure id="indexer-events" label="events indexed" value={formatInt(x.eventsIndexed)} />
            <Figure id="indexer-error" label="last error" value={x.lastError ?? 'none'} />
          </div>
        )}
      </Show>
      <h3>Sites on the map</h3>
      <p className="note">
        Each dot is a site at its registered location (the centre of its geohash cell), labelled by grid zone with its
        node ids (a zone is one of the five the project has energy and price data for; the zone is found from the
        location); hover a dot for its specs. Drag or scroll the map to move and zoom.
      </p>
      <Show value={nodes} what="Registered sites">
        {(list) =>
          list.length === 0 ? (
            <Empty>No site is registered yet.</Empty>
          ) : (
            <>
              <FleetMap nodes={list} />
              <div className="table-scroll">
                <table id="nodes-table">
                  <thead>
                    <tr>
                      <th>node</th>
                      <th>status</th>
                      <th>site type</th>
                      <th>grid zone</th>
                      <th>location (geohash)</th>
                      <th>GPUs</th>
                      <th>capacity class</th>
                      <th className="num">PV (W peak)</th>
                      <th className="num">battery (Wh)</th>
                      <th className="num">charger (W)</th>
                      <th className="num">stake</th>
                      <th className="num">slashed</th>
                      <th>registered (UTC)</th>
                      <th>owner</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((n) => (
                      <tr key={n.nodeId} data-node={n.nodeId}>
                        <td>{n.nodeId}</td>
                        <td data-col="status">
                          <span style={{ color: STATUS_COLOR[n.status] }}>●</span> {STATUS_LABEL[n.status]}
                        </td>
                        <td data-col="siteType">{siteTypeName(n.spec.siteType)}</td>
                        <td data-col="zone">{zoneOf(n) ?? '—'}</td>
                        <td data-col="geohash">{geohashOf(n)}</td>
                        <td data-col="gpus">
                          {formatInt(n.spec.gpuCount)} × {gpuModelOf(n)}
                        </td>
                        <td data-col="classId">{n.classId}</td>
                        <td className="num" data-col="pvWp">
                          {formatInt(n.spec.pvWp)}
                        </td>
                        <td className="num" data-col="batteryWh">
                          {formatInt(n.spec.batteryWh)}
                        </td>
                        <td className="num" data-col="chargerW">
                          {formatInt(n.spec.chargerW)}
                        </td>
                        <td className="num" data-col="stake">
                          {formatUsdc6(n.stakeUsdc6)}
                        </td>
                        <td className="num" data-col="slashed">
                          {formatUsdc6(n.slashedUsdc6)}
                        </td>
                        <td data-col="registeredAt">{formatUtc(n.registeredAt)}</td>
                        <td title={n.owner}>{shortHex(n.owner)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </Show>
    </section>
  );
}
