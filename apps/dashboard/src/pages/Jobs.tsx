import { useMemo, useState } from 'react';
import { getClock, getJob, listJobs, type CarbonAccount, type Job } from '../api.ts';
import { formatBps, formatInt, formatSlot, formatUsdc6, formatUtc, shortHex } from '../format.ts';
import { Chart, Empty, Figure, Show, TIME_LABELS, useApi } from '../ui.tsx';
import { WORLD_GEO } from '../mapView.ts';

const REFRESH_MS = 5_000;
/** Jobs in the timeline chart: the newest, so that each row stays readable. */
const TIMELINE_JOBS = 24;

type Status = Job['status'];
const STATUS_LABEL: Record<Status, string> = {
  none: 'unknown',
  open: 'open: waiting for the scheduler',
  assigned: 'assigned to node-hours',
  cancelled: 'cancelled by the buyer',
  expired: 'expired unassigned',
  settled: 'settled',
};

/** Own-green share → colour: grey-brown for grid only, through yellow, to green for all own green. */
function greenColour(bps: number): string {
  const t = Math.max(0, Math.min(1, bps / 10_000));
  const from = [176, 112, 64];
  const to = [46, 158, 85];
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * t));
  return `rgb(${c.join(',')})`;
}

/** g CO2e from mg, one decimal. */
const grams = (mg: number) => `${(mg / 1000).toFixed(1)} g`;

/** The expected own-green share of each planned node-hour of a job, by `node:slot`. */
function plannedShares(job: Job): Map<string, number> {
  const m = new Map<string, number>();
  for (const h of job.plan?.hours ?? [])
    m.set(`${h.nodeId}:${h.slot}`, h.energyWh === 0 ? 0 : Math.floor((h.greenWh * 10_000) / h.energyWh));
  return m;
}

/** Energy-weighted totals of several accounts. */
function sumAccounts(accounts: CarbonAccount[]): {
  energyWh: number;
  greenWh: number;
  totalMg: number;
  gpuHours: number;
} {
  return accounts.reduce(
    (s, a) => ({
      energyWh: s.energyWh + a.energyWh,
      greenWh: s.greenWh + a.greenWh,
      totalMg: s.totalMg + a.totalMg,
      gpuHours: s.gpuHours + a.gpuHours,
    }),
    { energyWh: 0, greenWh: 0, totalMg: 0, gpuHours: 0 },
  );
}

function JobTimeline({ jobs, nowS }: { jobs: Job[]; nowS: number | undefined }) {
  const option = useMemo(() => {
    const shown = jobs.slice(0, TIMELINE_JOBS).reverse(); // oldest at the bottom, newest on top
    const rows = shown.map((j) => `job ${j.jobId} · ${j.kind}`);
    const windows = shown.map((j, i) => ({
      value: [i, j.earliestSlot * 3600_000, j.deadlineSlot * 3600_000],
      job: j,
    }));
    const hours = shown.flatMap((j, i) => {
      const shares = plannedShares(j);
      return j.placements.map((p) => {
        const share = shares.get(`${p.nodeId}:${p.slot}`);
        return {
          value: [i, p.slot * 3600_000, (p.slot + 1) * 3600_000],
          itemStyle: { color: share === undefined ? '#7a8793' : greenColour(share) },
          placement: p,
          share,
          job: j,
        };
      });
    });
    const bar =
      (heightShare: number) =>
      (
        params: { coordSys: { x: number; y: number; width: number; height: number } },
        api: {
          value: (i: number) => number;
          coord: (v: number[]) => number[];
          size: (v: number[]) => number[];
          style: () => object;
        },
      ) => {
        const [x0, y] = api.coord([api.value(1), api.value(0)]) as [number, number];
        const [x1] = api.coord([api.value(2), api.value(0)]) as [number];
        const h = (api.size([0, 1]) as [number, number])[1] * heightShare;
        const cs = params.coordSys;
        const left = Math.max(x0, cs.x);
        const right = Math.min(x1, cs.x + cs.width);
        if (right <= left) return undefined;
        return {
          type: 'rect',
          shape: { x: left, y: y - h / 2, width: right - left - 1, height: h },
          style: api.style(),
        };
      };
    return {
      tooltip: {
        formatter: (p: {
          seriesIndex: number;
          data: { job: Job; placement?: Job['placements'][number]; share?: number };
        }) => {
          const j = p.data.job;
          if (p.seriesIndex === 0)
            return `job ${j.jobId} · ${j.kind} · ${STATUS_LABEL[j.status]}<br/>window ${formatSlot(j.earliestSlot)} → ${formatSlot(j.deadlineSlot)} (must finish before)<br/>${j.gpuHours} GPU-hours, class ≥ ${j.minClassId}, at most ${formatUsdc6(j.maxPricePerGpuHourUsdc6)} per GPU-hour`;
          const pl = p.data.placement!;
          return `job ${j.jobId}: ${pl.gpuHours} GPU-hour${pl.gpuHours === 1 ? '' : 's'} on node ${pl.nodeId} (${pl.zone ?? 'no zone'})<br/>${formatSlot(pl.slot)} · ${pl.status}<br/>expected own green: ${p.data.share === undefined ? 'no plan' : formatBps(p.data.share)}`;
        },
      },
      grid: { left: 150, right: 24, top: 16, bottom: 40 },
      xAxis: { type: 'time', axisLabel: TIME_LABELS, name: 'UTC', nameLocation: 'end' },
      yAxis: { type: 'category', data: rows, axisLabel: { fontSize: 11 } },
      series: [
        {
          name: 'window',
          type: 'custom',
          renderItem: bar(0.7),
          encode: { x: [1, 2], y: 0 },
          itemStyle: { color: '#e4e8ec', borderColor: '#c4ccd4', borderWidth: 1 },
          data: windows,
        },
        { name: 'placed hours', type: 'custom', renderItem: bar(0.45), encode: { x: [1, 2], y: 0 }, data: hours },
        // The time axis takes "now" into its range only through a point: a line series of one invisible point.
        ...(nowS === undefined
          ? []
          : [
              {
                name: 'now',
                type: 'line',
                data: [[nowS * 1000, rows[0] ?? '']],
                symbol: 'none',
                silent: true,
                markLine: {
                  symbol: 'none',
                  silent: true,
                  label: { formatter: 'now', position: 'end' },
                  lineStyle: { color: '#d9534f', type: 'dashed', width: 1.5 },
                  data: [{ xAxis: nowS * 1000 }],
                },
              },
            ]),
      ],
    };
  }, [jobs, nowS]);
  return (
    <Chart option={option} height={Math.max(220, 60 + Math.min(jobs.length, TIMELINE_JOBS) * 22)} id="jobs-timeline" />
  );
}

function PlacementMap({ jobs }: { jobs: Job[] }) {
  const option = useMemo(() => {
    const byNode = new Map<
      string,
      { lat: number; lon: number; zone: string | null; gpuHours: number; jobs: Set<string> }
    >();
    for (const j of jobs)
      for (const p of j.placements) {
        if (p.latDeg === null || p.lonDeg === null) continue;
        const n = byNode.get(p.nodeId) ?? { lat: p.latDeg, lon: p.lonDeg, zone: p.zone, gpuHours: 0, jobs: new Set() };
        n.gpuHours += p.gpuHours;
        n.jobs.add(j.jobId);
        byNode.set(p.nodeId, n);
      }
    const data = [...byNode.entries()].map(([nodeId, n]) => ({
      value: [n.lon, n.lat, n.gpuHours],
      name: `node ${nodeId}`,
      n,
    }));
    const max = Math.max(1, ...data.map((d) => d.n.gpuHours));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data: { n: { zone: string | null; gpuHours: number; jobs: Set<string> } } }) =>
          `${p.name} (${p.data.n.zone ?? 'no zone'})<br/>${p.data.n.gpuHours} GPU-hours placed, ${p.data.n.jobs.size} job${p.data.n.jobs.size === 1 ? '' : 's'}`,
      },
      geo: WORLD_GEO,
      series: [
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          symbolSize: (v: number[]) => 8 + 22 * Math.sqrt(v[2]! / max),
          itemStyle: { color: '#2e9e55', opacity: 0.8, borderColor: '#fff', borderWidth: 1 },
          label: {
            show: true,
            position: 'right',
            fontSize: 10,
            formatter: (p: { name: string; data: { n: { gpuHours: number } } }) =>
              `${p.name}: ${p.data.n.gpuHours} GPU-h`,
          },
          data,
        },
      ],
    };
  }, [jobs]);
  return <Chart option={option} height={380} id="jobs-map" map="world" />;
}

function AccountCells({ a, col }: { a: CarbonAccount | null; col: string }) {
  if (a === null)
    return (
      <>
        <td className="num" data-col={`${col}Green`}>
          —
        </td>
        <td className="num" data-col={`${col}Sci`}>
          —
        </td>
      </>
    );
  return (
    <>
      <td className="num" data-col={`${col}Green`}>
        {formatBps(a.cfeBps)}
      </td>
      <td
        className="num"
        data-col={`${col}Sci`}
        title={`(E × I + M) per GPU-hour: ${grams(a.operationalMg)} grid + ${grams(a.embodiedMg)} embodied`}
      >
        {grams(a.sciMgPerGpuHour)}
      </td>
    </>
  );
}

function JobDetail({ jobId }: { jobId: string }) {
  const job = useApi(() => getJob(jobId), [jobId], REFRESH_MS);
  return (
    <Show value={job} what={`Job ${jobId}`}>
      {(j) => (
        <div id="job-detail">
          <h3>
            Job {j.jobId} · {j.kind} · {STATUS_LABEL[j.status]}
          </h3>
          <p className="note">
            Buyer <code>{j.buyer}</code>; {j.gpuHours} GPU-hours of class ≥ {j.minClassId} between{' '}
            {formatSlot(j.earliestSlot)} and {formatSlot(j.deadlineSlot)}, own green ≥ {formatBps(j.minGreenShareBps)}{' '}
            for the incentive, at most {formatUsdc6(j.maxPricePerGpuHourUsdc6)} per GPU-hour
            {j.shardable ? '; may be sharded' : ''}
            {j.aggregatorNodeId !== '0' ? `; node ${j.aggregatorNodeId} aggregates its shards` : ''}.
          </p>
          <table id="job-events">
            <thead>
              <tr>
                <th>when (block time, UTC)</th>
                <th>event</th>
                <th>what</th>
                <th>transaction</th>
              </tr>
            </thead>
            <tbody>
              {j.timeline.map((e) => (
                <tr key={`${e.blockNumber}-${e.txHash}-${e.event}-${String(e.args.index ?? '')}`}>
                  <td>{formatUtc(e.timestamp)}</td>
                  <td>{e.event}</td>
                  <td>{eventText(e.event, e.args)}</td>
                  <td>
                    <code>{shortHex(e.txHash)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {j.measured === null ? (
            <p className="note">Measured account: none of its node-hours is attested yet.</p>
          ) : (
            <p className="note" id="job-measured">
              Measured from {j.measured.hoursMeasured} of {j.measured.hoursPlaced} attested node-hours:{' '}
              {formatInt(j.measured.energyWh, 'Wh')}, own green {formatBps(j.measured.cfeBps)}, SCI{' '}
              {grams(j.measured.sciMgPerGpuHour)} CO2e per GPU-hour.
            </p>
          )}
        </div>
      )}
    </Show>
  );
}

function eventText(event: string, args: Record<string, unknown>): string {
  const usd = (k: string) => formatUsdc6(String(args[k] ?? '0'));
  switch (event) {
    case 'JobPosted':
      return `posted, spec ${String(args.specUri ?? '')}`;
    case 'JobAssigned':
      return `hours bought for ${usd('spentUsdc6')}, ${usd('refundUsdc6')} back to the buyer`;
    case 'PlacementRedeemed':
      return `placement #${String(args.index)} redeemed: node ${String(args.nodeId)} must deliver`;
    case 'PlacementMoved':
      return `placement #${String(args.index)} moved from node ${String(args.fromNodeId)} (drained by other holders) to node ${String(args.toNodeId)}`;
    case 'PlacementSettled':
      return `placement #${String(args.index)} ${args.delivered ? 'delivered' : 'not delivered'}${args.greenEnough ? ', green enough: incentive to the node' : ''}; ${usd('refundUsdc6')} to the buyer`;
    case 'JobSettled':
      return 'every placement settled';
    case 'JobCancelled':
    case 'JobExpired':
      return `${usd('refundUsdc6')} back to the buyer`;
    default:
      return '';
  }
}

export function JobsPage() {
  const jobs = useApi(async () => (await listJobs({ limit: 100 })).items, [], REFRESH_MS);
  const clock = useApi(getClock, [], REFRESH_MS);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section>
      <h2>Jobs</h2>
      <p className="lede">
        AI work posted by buyers with its payment escrowed: the carbon-aware scheduler places each job on node-hours of
        the hour market within the buyer's price, where the sites' own solar is forecast to cover most of it, and the
        job's expected energy, own-green share (24/7 carbon-free energy, matched hour by hour) and Software Carbon
        Intensity (SCI, g CO2e per GPU-hour, embodied share included) follow from the plan.
      </p>
      <Show value={jobs} what="Jobs">
        {(list) => {
          if (list.length === 0) return <Empty>No job has been posted yet.</Empty>;
          const count = (s: Status) => list.filter((j) => j.status === s).length;
          const planned = sumAccounts(list.flatMap((j) => (j.expected === null ? [] : [j.expected])));
          return (
            <>
              <div className="figures">
                <Figure id="jobs-count" label="jobs (newest 100)" value={formatInt(list.length)} />
                <Figure id="jobs-open" label="open (waiting)" value={formatInt(count('open'))} />
                <Figure id="jobs-assigned" label="assigned" value={formatInt(count('assigned'))} />
                <Figure id="jobs-settled" label="settled" value={formatInt(count('settled'))} />
                <Figure
                  id="jobs-expired"
                  label="expired or cancelled"
                  value={formatInt(count('expired') + count('cancelled'))}
                />
                <Figure
                  id="jobs-green"
                  label="expected own green, all planned jobs"
                  value={
                    planned.energyWh === 0 ? '—' : formatBps(Math.floor((planned.greenWh * 10_000) / planned.energyWh))
                  }
                />
                <Figure
                  id="jobs-sci"
                  label="expected SCI, all planned jobs"
                  value={
                    planned.gpuHours === 0 ? '—' : `${grams(Math.ceil(planned.totalMg / planned.gpuHours))} / GPU-h`
                  }
                />
              </div>
              <h3>Timeline</h3>
              <p className="note">
                Each row is a job: the grey bar is its window (it must finish before the bar ends), the blocks inside
                are the hours the scheduler placed it in, coloured by their expected own-green share (
                <span style={{ color: greenColour(0) }}>■ grid only</span> …{' '}
                <span style={{ color: greenColour(10_000) }}>■ all own solar</span>). The dashed line is now.
              </p>
              <JobTimeline jobs={list} nowS={clock.state === 'ok' ? clock.data.nowS : undefined} />
              <h3>Where the jobs run</h3>
              <PlacementMap jobs={list} />
              <h3>All jobs</h3>
              <table id="jobs-table">
                <thead>
                  <tr>
                    <th>job</th>
                    <th>kind</th>
                    <th>status</th>
                    <th className="num">GPU-hours</th>
                    <th>window (UTC)</th>
                    <th className="num">max price / GPU-h</th>
                    <th className="num">hours cost</th>
                    <th>placed on (node @ hour)</th>
                    <th className="num">expected own green</th>
                    <th className="num">expected SCI / GPU-h</th>
                    <th className="num">measured own green</th>
                    <th className="num">measured SCI / GPU-h</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((j) => (
                    <tr
                      key={j.jobId}
                      data-job={j.jobId}
                      className={selected === j.jobId ? 'selected' : ''}
                      onClick={() => setSelected(j.jobId)}
                      style={{ cursor: 'pointer' }}
                    >
                      <td>{j.jobId}</td>
                      <td>{j.kind}</td>
                      <td data-col="status">
                        {j.status}
                        {j.waitingReason === null ? null : <div className="why">{j.waitingReason}</div>}
                      </td>
                      <td className="num" data-col="gpuHours">
                        {j.gpuHours}
                      </td>
                      <td>
                        {formatSlot(j.earliestSlot).slice(5, 16)} → {formatSlot(j.deadlineSlot).slice(5, 16)}
                      </td>
                      <td className="num">{formatUsdc6(j.maxPricePerGpuHourUsdc6)}</td>
                      <td className="num" data-col="spent">
                        {j.status === 'open' ? '—' : formatUsdc6(j.spentUsdc6)}
                      </td>
                      <td data-col="placements">
                        {j.placements.length === 0
                          ? '—'
                          : j.placements
                              .map((p) => `${p.nodeId} @ ${formatSlot(p.slot).slice(11, 16)} × ${p.gpuHours}`)
                              .join(', ')}
                      </td>
                      <AccountCells a={j.expected} col="expected" />
                      <AccountCells a={j.measured} col="measured" />
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="note">Click a job to see its events.</p>
              {selected === null ? null : <JobDetail jobId={selected} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}
