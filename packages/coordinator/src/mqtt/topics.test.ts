import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Topics, topicLevel } from './topics.js';
import { describeMqttConfig, mqttConfigSchema, redactUrl } from './config.js';
import { createMqtt } from './create-mqtt.js';
import { FakeBridgeSource } from './fake-bridge-source.test-support.js';
import { ConfigError, silentLogger } from '@isawatt/common';

test('names become exactly one topic level and cannot act as wildcards', () => {
  assert.equal(topicLevel('xeon-1'), 'xeon-1');
  assert.equal(topicLevel('a/b+c#d%e'), 'a%2Fb%2Bc%23d%25e');
  assert.equal(decodeURIComponent(topicLevel('a/b+c#d%e')), 'a/b+c#d%e');
  const t = new Topics(Topics.defaultPrefix('lab'));
  assert.equal(t.hostPower('h/1'), 'isawatt/lab/hosts/h%2F1/power');
  assert.equal(t.functionPower('h1', 'jwt-sign/node'), 'isawatt/lab/hosts/h1/functions/jwt-sign%2Fnode/power');
  assert.equal(t.placement(), 'isawatt/lab/placement');
  assert.equal(t.coordinatorState(), 'isawatt/lab/coordinator/state');
  assert.equal(t.event('host-down'), 'isawatt/lab/events/host-down');
});

test('config: defaults, broker forms, and every problem reported', () => {
  const d = mqttConfigSchema.parse({});
  assert.equal(d.broker, 'off');
  assert.equal(d.qos, 0);
  assert.equal(d.queue.maxMessages, 100_000);
  for (const b of ['embedded', 'mqtt://127.0.0.1:1883', 'mqtts://broker:8883', 'ws://h:9001/mqtt', 'wss://h/mqtt']) {
    assert.equal(mqttConfigSchema.safeParse({ broker: b }).success, true, b);
  }
  const bad = mqttConfigSchema.safeParse({ broker: 'http://x', qos: 3, topicPrefix: 'a/#', tls: { certFile: 'c' }, extra: 1 });
  assert.equal(bad.success, false);
  const paths = bad.error?.issues.map((i) => i.path.join('.') || i.code).sort();
  assert.deepEqual(paths, ['broker', 'qos', 'tls', 'topicPrefix', 'unrecognized_keys']);
});

test('credentials never appear in the loggable view of the config', () => {
  const cfg = mqttConfigSchema.parse({ broker: 'mqtts://user:s3cret@broker:8883', username: 'user', password: 'hunter2' });
  const text = JSON.stringify(describeMqttConfig(cfg));
  assert.doesNotMatch(text, /s3cret|hunter2|"user"|user@/);
  assert.equal(redactUrl('mqtt://a:b@h:1883'), 'mqtt://h:1883');
});

test("a PDU filter that would swallow the coordinator's own feed is refused", () => {
  const config = mqttConfigSchema.parse({ broker: 'embedded', pdu: { sources: [{ topicFilter: 'isawatt/#', outlet: { topicLevel: 1 }, hosts: { a: 'h' } }] } });
  assert.throws(
    () => createMqtt({ config, cluster: 'lab', stateDir: undefined, source: new FakeBridgeSource(), log: silentLogger() }),
    (err: unknown) => err instanceof ConfigError && /matches the coordinator's own topics under "isawatt\/lab"/.test(err.message),
  );
});
