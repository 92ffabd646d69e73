// What the ingest benches share: signed windows of a test chain's devices (from the test fixtures), and a publisher in
// its own process that sends them at QoS 1 as fast as the ingest keeps up.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
export { signedWindows } from '../src/testing.ts';

export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${name}: must be a positive integer`);
  return v;
};

/**
 * Keeps at most this many messages between publisher and ingest (unless told to outrun it): Mosquitto keeps up to the
 * subscriber's Receive Maximum in flight and 1,000 more queued, beyond which it drops QoS 1 messages (devices' resends
 * would fill those gaps; a benchmark would stall).
 */
const CREDIT = 4_000;

/** Starts the publisher process; `processed(n)` grants credit as the ingest gets through messages. */
export function startPublisher(
  url: string,
  messages: [string, string][],
  outrun = false,
): { child: ChildProcess; processed(n: number): void } {
  const child = fork(fileURLToPath(import.meta.url), ['--publisher'], { execArgv: ['--import', 'tsx'] });
  child.on('error', () => {}); // a credit update racing the child's exit
  child.send({ url, messages, outrun });
  return {
    child,
    processed: (n) => {
      if (child.connected) child.send({ processed: n }, () => {});
    },
  };
}

if (process.argv[2] === '--publisher') {
  const { default: mqtt } = await import('mqtt');
  let processed = 0;
  process.on(
    'message',
    async (msg: { url: string; messages: [string, string][]; outrun: boolean } | { processed: number }) => {
      if ('processed' in msg) {
        processed = msg.processed;
        return;
      }
      const client = await mqtt.connectAsync(msg.url, { clientId: `bench-publisher-${process.pid}`, clean: true });
      let sent = 0;
      for (const [topic, payload] of msg.messages) {
        while (!msg.outrun && sent - processed >= CREDIT) await new Promise((r) => setTimeout(r, 1));
        client.publish(topic, payload, { qos: 1 });
        sent++;
      }
      await client.endAsync();
      process.disconnect();
    },
  );
}
