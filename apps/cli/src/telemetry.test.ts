// `greenhour telemetry status` against a real service on a test chain, and its bad inputs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startTestChain, type TestChain } from '@greenhour/attestation/testing';
import { loadServiceConfig, startService, type Service } from '@greenhour/service';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('greenhour telemetry status', () => {
  let chain: TestChain;
  let service: Service;
  before(async () => {
    chain = await startTestChain(['station']);
    const config = loadServiceConfig({ API_PORT: '0', MQTT_PORT: '0', RATE_LIMIT_PER_MINUTE: '0' }, '/unused');
    service = await startService(config, chain.deployment, chain.clients, pino({ level: 'silent' }));
  });
  after(async () => {
    await service?.stop();
    await chain?.stop();
  });

  it('prints the ingest counters and open gaps, as text and as JSON', async () => {
    const text = await cli(['telemetry', 'status', '--api', service.apiUrl]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /windows accepted +0/);
    assert.match(text.stdout, /open gaps +0/);
    const json = await cli(['telemetry', 'status', '--api', service.apiUrl, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { stats: { accepted: number; devices: number }; gaps: unknown[] };
    assert.equal(doc.stats.accepted, 0);
    assert.equal(doc.stats.devices, 0);
    assert.deepEqual(doc.gaps, []);
  });

  it('refuses bad input with exit 2 naming the flag', async () => {
    for (const [args, mention] of [
      [['telemetry', 'status', '--api', 'ftp://x'], /--api: must be an http/],
      [['telemetry', 'status', '--api', 'http://127.0.0.1:9'], /--api: http:\/\/127\.0\.0\.1:9: no answer/],
      [['telemetry', 'status', '--json', '--json'], /--json: given more than once/],
      [['telemetry', 'status', 'now'], /argument: unexpected argument "now"/],
      [['telemetry', 'stats'], /telemetry: unknown subcommand "stats"/],
    ] as const) {
      const r = await cli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, mention);
      assert.equal(r.stdout, '');
    }
  });
});
