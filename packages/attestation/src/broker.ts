// The embedded MQTT broker (aedes) that `npm start` uses when MQTT_URL is not set. It runs on a worker thread of its
// own (brokerWorker.mjs), so that it does not share the service's thread with the ingest's stateful checks and the API:
// under the ingest bench that thread is busy 40 % of the time instead of 70 % (BENCHMARKS.md "Telemetry ingest").
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts aedes on 127.0.0.1:`port` (0 picks a free port). Its sessions live in memory. */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  if (!Number.isSafeInteger(port) || port < 0 || port > 65_535)
    throw new Error(`MQTT_PORT: must be an integer port 0..65535, got ${port}`);
  const worker = new Worker(new URL('./brokerWorker.mjs', import.meta.url), { workerData: { port } });
  const [started] = (await once(worker, 'message')) as [{ port?: number; error?: string }];
  if (started.port === undefined) {
    await worker.terminate();
    throw new Error(`MQTT_PORT: the embedded broker cannot listen on 127.0.0.1:${port}: ${started.error}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${started.port}`,
    port: started.port,
    close() {
      closing ??= (async () => {
        const closed = once(worker, 'message');
        worker.postMessage('close');
        await closed;
        await worker.terminate();
      })();
      return closing;
    },
  };
}
