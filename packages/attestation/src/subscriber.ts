// The MQTT shell of ingest: one persistent session (clean session off) subscribed to every node's
// telemetry at QoS 1, so that the broker keeps messages for the coordinator while it restarts. Gaps become resend
// requests to the device.
import mqtt, { type MqttClient } from 'mqtt';
import { TELEMETRY_FILTER, encodeReceipt, receiptTopic, resendTopic, signReceipt } from '@greenhour/telemetry';
import type { TelemetryDomain } from '@greenhour/telemetry';
import type { Address } from 'viem';
import type { Gap, Ingest, StoredWindow } from './ingest.ts';

export interface Subscriber {
  requestResend(gap: Gap): void;
  /**
   * Signs a receipt for each stored window with the attester key (the account that commits the hour's root) and
   * publishes it to the window's device at QoS 1 (docs/TELEMETRY.md section 5).
   */
  sendReceipts(windows: readonly StoredWindow[], domain: TelemetryDomain, attesterKey: Uint8Array): void;
  close(): Promise<void>;
  /** Drops the connection without a DISCONNECT, as a killed process would. */
  kill(): void;
}

export async function subscribeTelemetry(
  ingest: Ingest,
  options: { mqttUrl: string; clientId?: string; onError?: (err: Error) => void; protocolVersion?: 4 | 5 },
): Promise<Subscriber> {
  let url: URL;
  try {
    url = new URL(options.mqttUrl);
  } catch {
    throw new Error(`MQTT_URL: not a URL: ${options.mqttUrl}`);
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new Error(`MQTT_URL: must be an mqtt:// or mqtts:// URL, got ${url.protocol}`);
  const client: MqttClient = mqtt.connect(options.mqttUrl, {
    clientId: options.clientId ?? 'greenhour-coordinator',
    // MQTT 5 where the broker speaks it: Receive Maximum lets Mosquitto keep 65,535 messages in flight to us instead
    // of its 3.1.1 default of 20 (with 1,000 more queued, beyond which it drops). aedes speaks 3.1.1 only.
    clean: false,
    protocolVersion: options.protocolVersion ?? 5,
    ...((options.protocolVersion ?? 5) === 5
      ? { properties: { sessionExpiryInterval: 86_400, receiveMaximum: 65_535 } }
      : {}),
    reconnectPeriod: 500,
    connectTimeout: 5_000,
  });
  client.on('error', (err) => options.onError?.(err));
  client.on('message', (topic, payload) => {
    ingest.handle(topic, payload).catch((err: Error) => options.onError?.(err));
  });
  // A resumed session keeps its subscription; a new one (first start, or a broker that lost it) subscribes.
  const subscribed = new Promise<void>((resolve, reject) => {
    client.on('connect', (connack) => {
      if (connack.sessionPresent) return resolve();
      client.subscribe(TELEMETRY_FILTER, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`MQTT_URL: no broker answered at ${options.mqttUrl}`)), 10_000);
  });
  try {
    await Promise.race([subscribed, timeout]);
  } catch (err) {
    client.end(true);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    requestResend(gap) {
      client.publish(resendTopic(gap.device as Address), JSON.stringify({ fromSeq: gap.fromSeq, toSeq: gap.toSeq }), {
        qos: 1,
      });
    },
    sendReceipts(windows, domain, attesterKey) {
      for (const w of windows) {
        const signed = signReceipt(
          domain,
          { nodeId: w.nodeId, slot: w.slot, seq: w.seq, digest: w.digest },
          attesterKey,
        );
        client.publish(receiptTopic(w.device as Address), encodeReceipt(signed), { qos: 1 });
      }
    },
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
    kill: () => {
      client.removeAllListeners('message');
      client.end(true);
    },
  };
}
