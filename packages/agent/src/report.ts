// A remote agent tells the service what its light node found: the report (registration, each checked hour, metrics;
// never a challenge's evidence or salt) signed by the device key, posted to the first API that takes it.
import { privateKeyToAccount } from 'viem/accounts';
import type { Address, Hex } from 'viem';
import { REPORT_TYPES, reportDomain, reportHashOf } from '@greenhour/telemetry';
import type { HourCheck, LightNode } from './lightnode.ts';

/** What a light node shows of itself: the challenge's evidence and salt stay in the agent. */
export function lightNodeReport(lightNode: LightNode): {
  device: Address;
  nodeId: number | null;
  [field: string]: unknown;
} {
  return {
    device: lightNode.device,
    nodeId: lightNode.registration?.nodeId ?? null,
    registration: lightNode.registration,
    hours: lightNode.hours().map(({ challenge, omission, ...h }): HourCheck => {
      const shown: HourCheck = { ...h };
      if (challenge !== undefined) {
        const { evidence: _evidence, salt: _salt, ...rest } = challenge;
        shown.challenge = rest;
      }
      if (omission !== undefined) {
        const { receipt: _receipt, ...rest } = omission;
        shown.omission = rest;
      }
      return shown;
    }),
    metrics: lightNode.metrics,
  };
}

export interface PostReportOptions {
  privateKey: Hex;
  chainId: number;
  oracle: Address;
  apiUrls: readonly string[];
  /** UTC seconds; the service refuses a report signed more than 300 s from its clock. */
  nowS?: number;
  fetchTimeoutMs?: number;
}

/** Signs and posts; resolves to the API that stored it, or throws with every API's answer. */
export async function postLightNodeReport(
  report: { nodeId: number | null },
  options: PostReportOptions,
): Promise<string> {
  if (report.nodeId === null) throw new Error('light-node report: the node is not proven registered yet');
  const issuedAt = options.nowS ?? Math.floor(Date.now() / 1000);
  const text = JSON.stringify(report);
  const signature = await privateKeyToAccount(options.privateKey).signTypedData({
    domain: reportDomain(options.chainId, options.oracle),
    types: REPORT_TYPES,
    primaryType: 'LightNodeReport',
    message: { nodeId: BigInt(report.nodeId), issuedAt: BigInt(issuedAt), reportHash: reportHashOf(text) },
  });
  const problems: string[] = [];
  for (const url of options.apiUrls) {
    try {
      const res = await fetch(`${url}/v1/light-nodes/${report.nodeId}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ issuedAt, report: text, signature }),
        signal: AbortSignal.timeout(options.fetchTimeoutMs ?? 10_000),
      });
      if (res.status === 201) return url;
      const body = (await res.json().catch(() => null)) as { error?: { field?: string; reason?: string } } | null;
      problems.push(
        `${url}: HTTP ${res.status} ${body?.error ? `${body.error.field}: ${body.error.reason}` : ''}`.trim(),
      );
    } catch (err) {
      problems.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new Error(`light-node report not stored: ${problems.join('; ')}`);
}
