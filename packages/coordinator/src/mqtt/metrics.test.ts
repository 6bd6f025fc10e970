import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { silentLogger } from '@isawatt/common';
import { mqttConfigSchema } from './config.js';
import { createMqtt } from './create-mqtt.js';
import { FakeBridgeSource } from './fake-bridge-source.test-support.js';
import { registerMqttMetrics } from './metrics.js';

test('bridge and PDU figures appear in Prometheus metrics, counters not double-counted', async (t) => {
  const source = new FakeBridgeSource();
  source.addHost('h1');
  // No broker listens on port 1 of loopback: messages queue, then drop.
  const config = mqttConfigSchema.parse({
    broker: 'mqtt://127.0.0.1:1',
    queue: { maxMessages: 5 },
    reconnect: { initialMs: 1000, maxMs: 1000 },
    pdu: { sources: [{ topicFilter: 'pdu/+', outlet: { topicLevel: 1 }, hosts: { '1': 'h1' } }] },
  });
  const wiring = createMqtt({ config, cluster: 'm', stateDir: undefined, source, log: silentLogger() });
  for (const s of wiring.services) await s.init?.();
  t.after(async () => {
    for (const s of [...wiring.services].reverse()) await s.shutdown?.();
  });
  const prom = new Registry();
  registerMqttMetrics(prom, wiring);
  source.tick(1000, 9); // 10 messages into a queue of 5
  wiring.pduIngest?.handle('pdu/1', Buffer.from('120'), Date.now());
  wiring.pduIngest?.handle('pdu/2', Buffer.from('120'), Date.now());
  const text = await prom.metrics();
  assert.match(text, /isawatt_coordinator_mqtt_dropped_total 5\n/);
  assert.match(text, /isawatt_coordinator_mqtt_connected 0\n/);
  assert.match(text, /isawatt_coordinator_mqtt_queued_messages \d+\n/);
  assert.match(text, /isawatt_coordinator_pdu_readings_total\{result="accepted"\} 1\n/);
  assert.match(text, /isawatt_coordinator_pdu_readings_total\{result="unmapped"\} 1\n/);
  const again = await prom.metrics();
  assert.match(again, /isawatt_coordinator_mqtt_dropped_total 5\n/);
});
