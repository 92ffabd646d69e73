import { useMemo, useState } from 'react';
import { listAttestations, listHourRecords, listLightNodes, type AttestedHour, type LightNode } from '../api.ts';
import { checkOutcome, formatBps, formatInt, formatSlot, formatUsdc6, shortHex } from '../format.ts';
import { Chart, Empty, Show, useApi } from '../ui.tsx';

const REFRESH_MS = 10_000;

function RecordsPerHour({ hours }: { hours: AttestedHour[] }) {
  const option = useMemo(() => {
    const sorted = [...hours].sort((a, b) => a.slot - b.slot);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatInt(v, 'records') },
      grid: { left: 60, right: 20, top: 30, bottom: 50 },
      xAxis: {
        type: 'category',
        name: 'hour (UTC start)',
        nameLocation: 'middle',
        nameGap: 32,
        data: sorted.map((h) => formatSlot(h.slot).slice(5, 16)),
      },
      yAxis: { type: 'value', name: 'records (one per node)', minInterval: 1 },
      series: [
        { type: 'bar', name: 'records', color: '#2e9e55', barMaxWidth: 48, data: sorted.map((h) => h.recordCount) },
      ],
    };
  }, [hours]);
  return <Chart option={option} height={240} id="records-chart" />;
}

function HourRecords({ slot }: { slot: number }) {
  const records = useApi(() => listHourRecords(slot), [slot]);
  return (
    <Show value={records} what={`Records of the hour ${formatSlot(slot)}`}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>This hour has no record.</Empty>
        ) : (
          <table id="records-table">
            <thead>
              <tr>
                <th>node</th>
                <th className="num">green energy (Wh)</th>
                <th className="num">grid energy (Wh)</th>
                <th className="num">GPU energy (Wh)</th>
                <th className="num">green share</th>
                <th className="num">GPU uptime (s of 3,600)</th>
                <th className="num">signed windows</th>
                <th>challenge</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr key={r.nodeId} data-node={r.nodeId}>
                  <td>{r.nodeId}</td>
                  <td className="num" data-col="greenWh">
                    {formatInt(r.greenWh)}
                  </td>
                  <td className="num" data-col="gridWh">
                    {formatInt(r.gridWh)}
                  </td>
                  <td className="num" data-col="gpuWh">
                    {formatInt(r.gpuWh)}
                  </td>
                  <td className="num" data-col="greenShare">
                    {formatBps(r.greenShareBps)}
                  </td>
                  <td className="num" data-col="uptimeS">
                    {formatInt(r.uptimeS)}
                  </td>
                  <td className="num" data-col="messageCount">
                    {formatInt(r.messageCount)}
                  </td>
                  <td data-col="challenge">
                    {r.challenge === undefined
                      ? '— (see light nodes below)'
                      : r.challenge === null
                        ? 'none'
                        : `${r.challenge.status}${r.challenge.fault ? ' (' + r.challenge.fault + ')' : ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Show>
  );
}

const STATE_LABEL = {
  verified: 'verified',
  missing: 'missing (no record of its own windows)',
  misreported: 'misreported',
} as const;

function GreenShares({ nodes }: { nodes: LightNode[] }) {
  const option = useMemo(() => {
    const latest = Math.max(...nodes.flatMap((n) => n.hours.map((h) => h.slot)));
    const rows = nodes
      .map((n) => ({ n, h: n.hours.find((h) => h.slot === latest) }))
      .filter((r) => r.h !== undefined)
      .sort((a, b) => (a.n.nodeId ?? 0) - (b.n.nodeId ?? 0));
    return {
      title: { text: `Green share of each node's GPU energy, hour ${formatSlot(latest)}`, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2)} %` },
      grid: { left: 60, right: 20, top: 40, bottom: 50 },
      xAxis: {
        type: 'category',
        name: 'node',
        nameLocation: 'middle',
        nameGap: 30,
        data: rows.map((r) => String(r.n.nodeId)),
      },
      yAxis: { type: 'value', name: 'green share (%)', max: 100 },
      series: [
        {
          type: 'bar',
          name: "green share (device's own record)",
          color: '#2e9e55',
          barMaxWidth: 36,
          data: rows.map((r) => r.h!.expected.greenShareBps / 100),
        },
      ],
    };
  }, [nodes]);
  return <Chart option={option} height={240} id="greenshare-chart" />;
}

function LightNodes({ nodes }: { nodes: LightNode[] }) {
  const checks = nodes
    .flatMap((n) => n.hours.map((h) => ({ node: n, h, outcome: checkOutcome(h) })))
    .sort((a, b) => b.h.slot - a.h.slot || (a.node.nodeId ?? 0) - (b.node.nodeId ?? 0));
  return (
    <>
      <table id="lightnodes-table">
        <thead>
          <tr>
            <th>node</th>
            <th>device</th>
            <th>registration (proven from chain)</th>
            <th className="num">stake</th>
            <th className="num">hours verified</th>
            <th className="num">missing</th>
            <th className="num">misreported</th>
            <th className="num">challenges won</th>
            <th className="num">challenges lost</th>
            <th className="num">omissions proven</th>
            <th
              className="num"
              title="Windows the broker acknowledged for which the attester's receipt never came: their drop or omission cannot be proven"
            >
              windows without receipt
            </th>
            <th className="num">rewards paid</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.device} data-node={n.nodeId ?? ''}>
              <td>{n.nodeId ?? 'unregistered'}</td>
              <td title={n.device}>{n.deviceId ?? shortHex(n.device)}</td>
              <td>{n.registration?.status ?? 'not proven yet'}</td>
              <td className="num" data-col="stake">
                {n.registration ? formatUsdc6(n.registration.stakeUsdc6) : '—'}
              </td>
              <td className="num" data-col="hoursVerified">
                {formatInt(n.metrics.hoursVerified)}
              </td>
              <td className="num" data-col="hoursMissing">
                {formatInt(n.metrics.hoursMissing)}
              </td>
              <td className="num" data-col="hoursMisreported">
                {formatInt(n.metrics.hoursMisreported)}
              </td>
              <td className="num" data-col="challengesSucceeded">
                {formatInt(n.metrics.challengesSucceeded)}
              </td>
              <td className="num" data-col="challengesFailed">
                {formatInt(n.metrics.challengesFailed)}
              </td>
              <td className="num" data-col="omissionsProven" title={`${n.metrics.omissionClaims ?? 0} claims opened`}>
                {formatInt(n.metrics.omissionsProven ?? 0)}
              </td>
              <td className="num" data-col="windowsUnreceipted">
                {formatInt(n.metrics.windowsUnreceipted ?? 0)}
              </td>
              <td className="num" data-col="rewards">
                {formatUsdc6(n.metrics.rewardsUsdc6)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Checked hours and challenges</h3>
      <p className="note">
        Each device checks its own record of every attested hour against the root committed on chain. A misreported
        record is challenged on chain by the device; a successful challenge excludes the record and pays the node's
        owner. The attester signs a receipt for every window it stores: with it the device proves a window dropped from
        its record, and claims an omitted record, which the attester must answer with the record before the challenge
        window closes or forfeit its bond.
      </p>
      {checks.length > 0 ? <GreenShares nodes={nodes} /> : null}
      {checks.length === 0 ? (
        <Empty>No hour has been checked yet: the first check follows the first attested hour.</Empty>
      ) : (
        <table id="checks-table">
          <thead>
            <tr>
              <th>hour (UTC start)</th>
              <th>node</th>
              <th>state</th>
              <th className="num">green share (device's own)</th>
              <th className="num">green Wh: device / record</th>
              <th className="num" title="The device's windows of the hour that hold the attester's signed receipt">
                windows receipted
              </th>
              <th>challenge outcome</th>
              <th className="num">reward</th>
            </tr>
          </thead>
          <tbody>
            {checks.map(({ node, h, outcome }) => (
              <tr key={`${node.device}-${h.slot}`} data-node={node.nodeId ?? ''} data-slot={h.slot} className={h.state}>
                <td>{formatSlot(h.slot)}</td>
                <td>{node.nodeId}</td>
                <td data-col="state">{STATE_LABEL[h.state]}</td>
                <td className="num" data-col="greenShare">
                  {formatBps(h.expected.greenShareBps)}
                </td>
                <td className="num">
                  {formatInt(h.expected.greenWh)} / {h.reported ? formatInt(h.reported.greenWh) : '—'}
                </td>
                <td className="num" data-col="receipted">
                  {h.receiptedWindows === undefined
                    ? '—'
                    : `${formatInt(h.receiptedWindows)} of ${formatInt(h.expected.messageCount)}`}
                </td>
                <td data-col="challenge">{outcome.text}</td>
                <td className="num" data-col="reward">
                  {outcome.rewardUsdc6 !== undefined ? formatUsdc6(outcome.rewardUsdc6) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function AttestationPage() {
  const hours = useApi(() => listAttestations({ limit: 168 }), [], REFRESH_MS);
  const lightNodes = useApi(() => listLightNodes(), [], REFRESH_MS);
  const [picked, setPicked] = useState<number | null>(null);
  return (
    <section>
      <h2>Attestation</h2>
      <p className="lede">
        After each hour the attester commits one Merkle root on chain over the hour's records (one record per node: the
        green and grid energy its GPUs used, from the node's signed one-minute telemetry windows). Anyone can check a
        record against the root and challenge a wrong one.
      </p>
      <h3>Committed hours</h3>
      <Show value={hours} what="Attested hours">
        {(page) => {
          if (page.items.length === 0)
            return <Empty>No hour has been attested yet: the first root is committed after the first full hour.</Empty>;
          const slot = picked ?? page.items[0]!.slot;
          return (
            <>
              <RecordsPerHour hours={page.items} />
              <table id="hours-table">
                <thead>
                  <tr>
                    <th>hour (UTC start)</th>
                    <th>slot</th>
                    <th>status</th>
                    <th className="num">records</th>
                    <th>Merkle root</th>
                    <th>transaction</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((h) => (
                    <tr key={h.slot} data-slot={h.slot} className={h.slot === slot ? 'selected' : ''}>
                      <td>{formatSlot(h.slot)}</td>
                      <td>{h.slot}</td>
                      <td data-col="status">{h.status}</td>
                      <td className="num" data-col="recordCount">
                        {formatInt(h.recordCount)}
                      </td>
                      <td title={h.root ?? ''}>{shortHex(h.root)}</td>
                      <td title={h.txHash ?? ''}>{shortHex(h.txHash)}</td>
                      <td>
                        <button onClick={() => setPicked(h.slot)}>show records</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Records of the hour {formatSlot(slot)}</h3>
              <HourRecords slot={slot} />
            </>
          );
        }}
      </Show>
      <h3>Light nodes: each device's check of its own records</h3>
      <Show value={lightNodes} what="Light-node reports">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No device reports as a light node.</Empty>
          ) : (
            <LightNodes nodes={page.items} />
          )
        }
      </Show>
    </section>
  );
}
