import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from './broker.ts';

test('the embedded broker delivers QoS 1 messages, refuses a taken port by name, and closes', async () => {
  const broker = await startEmbeddedBroker();
  try {
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'broker-test-sub' });
    await sub.subscribeAsync('t/#', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.once('message', (_t, payload) => resolve(payload.toString())));
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'broker-test-pub' });
    await pub.publishAsync('t/1', 'hello', { qos: 1 });
    assert.equal(await got, 'hello');
    await pub.endAsync();
    await sub.endAsync();
    await assert.rejects(
      startEmbeddedBroker(broker.port),
      /MQTT_PORT: the embedded broker cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
    await assert.rejects(startEmbeddedBroker(70_000), /MQTT_PORT: must be an integer port/);
  } finally {
    await broker.close();
  }
  // Closed: the port is free again.
  const again = await startEmbeddedBroker(broker.port);
  await again.close();
});
