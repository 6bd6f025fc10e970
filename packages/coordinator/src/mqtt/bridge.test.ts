// The bridge against a real broker (aedes, in process) and real mqtt.js clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { createLogger, silentLogger } from '@isawatt/common';
import { mqttConfigSchema, type MqttConfigInput } from './config.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { FakeBridgeSource } from './fake-bridge-source.test-support.js';
import { createMqtt } from './create-mqtt.js';
import type { MqttBridge } from './bridge.js';

interface Received {
  topic: string;
  json: Record<string, unknown>;
  retain: boolean;
}

async function subscriber(url: string, filter: string, login: { username?: string; password?: string } = {}): Promise<{ client: MqttClient; got: Received[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...login });
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, got };
}

async function waitFor(what: string, pred: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now(); // monotonic: Date.now() can step
  while (!pred()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startBridge(source: FakeBridgeSource, over: MqttConfigInput, stateDir?: string) {
  const config = mqttConfigSchema.parse({ broker: 'embedded', embedded: { port: 0 }, reconnect: { initialMs: 50, maxMs: 200 }, ...over });
  const wiring = createMqtt({
    config,
    cluster: 'test',
    stateDir,
    source,
    log: process.env.DBG ? createLogger({ name: 'dbg', level: 'debug' }) : silentLogger(),
  });
  for (const s of wiring.services) await s.init?.();
  const stop = async (): Promise<void> => {
    for (const s of [...wiring.services].reverse()) await s.shutdown?.();
  };
  return { wiring, bridge: wiring.bridge as MqttBridge, url: wiring.broker?.url() ?? '', stop };
}

test('publishes host power per tick, function power, retained state, events, and PDU beside agent power', async (t) => {
  const source = new FakeBridgeSource();
  source.addHost('xeon-1', 'x86_64');
  source.addHost('altra-1', 'aarch64');
  source.applyAssignment('xeon-1', 1n, [{ function: 'jwt-sign', cores: 2, rateRps: 100 }]);
  const pdu = { sources: [{ topicFilter: 'lab/pdu/+/power', outlet: { topicLevel: 2 }, hosts: { '1': 'xeon-1' } }] };
  // The PDU's account may publish its readings (anonymous clients may not, docs/mqtt.md).
  const pduUser = { username: 'pdu', password: 'pdu-secret', publish: ['lab/pdu/#'] };
  const { bridge, url, stop } = await startBridge(source, { pdu, embedded: { port: 0, users: [pduUser] } });
  t.after(stop);
  // Subscribe after the bridge has published its state, so that it arrives as retained.
  await waitFor('initial publish', () => bridge.status() === 'connected' && bridge.stats().published >= 4);
  const sub = await subscriber(url, 'isawatt/test/#', pduUser);
  t.after(() => sub.client.endAsync());

  await waitFor('retained placement', () => sub.got.some((m) => m.topic === 'isawatt/test/placement'));
  const placement = sub.got.find((m) => m.topic === 'isawatt/test/placement');
  assert.equal(placement?.retain, true);
  assert.deepEqual(
    (placement?.json.hosts as { host_id: string; cores_total: number }[]).map((h) => [h.host_id, h.cores_total]),
    [['xeon-1', 2]],
  );
  const state = sub.got.find((m) => m.topic === 'isawatt/test/hosts/altra-1/state');
  assert.equal(state?.json.arch, 'aarch64');
  assert.equal(state?.json.state, 'up');
  assert.equal(sub.got.find((m) => m.topic === 'isawatt/test/coordinator/state')?.json.state, 'online');

  source.tick(1_000, 3);
  source.tick(2_000, 3);
  const power = (): Received[] => sub.got.filter((m) => m.topic.endsWith('/power') && !m.topic.includes('/functions/'));
  await waitFor('2 ticks x 2 hosts', () => power().length === 4);
  const p = power().find((m) => m.topic === 'isawatt/test/hosts/xeon-1/power' && m.json.timestamp_ms === 2000);
  assert.ok(p);
  assert.equal(p.retain, false);
  assert.equal(p.json.source, 'emulated');
  assert.equal(typeof p.json.power_w, 'number');
  assert.ok(Math.abs((p.json.energy_counter_j as number) - 2 * (p.json.energy_tick_j as number)) < 1e-9, 'counter sums the ticks');
  assert.equal((p.json.domains as unknown[]).length, 1);
  await waitFor('function power', () => sub.got.filter((m) => m.topic.includes('/functions/')).length === 12);
  const f = sub.got.find((m) => m.topic === 'isawatt/test/hosts/altra-1/functions/fn-001/power');
  assert.equal(f?.json.function, 'fn-001');
  assert.equal(f?.json.host_id, 'altra-1');

  // PDU reading for outlet 1 -> xeon-1, shown beside the agent's figure in the next tick.
  const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0, username: pduUser.username, password: pduUser.password });
  t.after(() => pub.endAsync());
  await pub.publishAsync('lab/pdu/1/power', '100');
  await pub.publishAsync('lab/pdu/9/power', '100'); // unmapped
  await waitFor('pdu reading', () => bridge.stats().pduMessages === 2).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(bridge.stats())}`);
  });
  source.tick(3_000, 0);
  await waitFor('tick 3', () => power().length === 6);
  const withPdu = power().find((m) => m.topic === 'isawatt/test/hosts/xeon-1/power' && m.json.timestamp_ms === 3000);
  assert.equal(withPdu?.json.pdu_power_w, 100);
  assert.equal(withPdu?.json.pdu_diff_pct, Math.round(((withPdu?.json.power_w as number) - 100) * 100) / 100);
  assert.equal(power().find((m) => m.topic === 'isawatt/test/hosts/altra-1/power' && m.json.timestamp_ms === 3000)?.json.pdu_power_w, undefined);

  source.setDown('altra-1', 'silent for 10 s');
  await waitFor('host-down event', () => sub.got.some((m) => m.topic === 'isawatt/test/events/host-down'));
  assert.equal(sub.got.find((m) => m.topic === 'isawatt/test/events/host-down')?.json.reason, 'silent for 10 s');
  await waitFor('state down', () => sub.got.some((m) => m.topic === 'isawatt/test/hosts/altra-1/state' && m.json.state === 'down'));
  assert.equal(bridge.stats().dropped, 0);
});

test('a clean stop replaces the retained online state with offline/shutdown', async (t) => {
  const source = new FakeBridgeSource();
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, log: silentLogger() });
  await broker.init();
  t.after(() => broker.shutdown());
  const config = mqttConfigSchema.parse({ broker: broker.url() });
  const { services, bridge } = createMqtt({ config, cluster: 'c2', stateDir: undefined, source, log: silentLogger() });
  for (const s of services) await s.init?.();
  await waitFor('connected', () => bridge?.status() === 'connected');
  for (const s of [...services].reverse()) await s.shutdown?.();
  assert.equal(source.listenerCount, 0, 'the bridge unsubscribed');
  const sub = await subscriber(broker.url(), 'isawatt/c2/coordinator/state');
  t.after(() => sub.client.endAsync());
  await waitFor('retained state', () => sub.got.length === 1);
  assert.deepEqual([sub.got[0]?.json.state, sub.got[0]?.json.reason, sub.got[0]?.retain], ['offline', 'shutdown', true]);
});

test('without a broker, ingest is never blocked: the queue stays bounded and counts its drops', async (t) => {
  // A port nobody listens on: take a free one and close it.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const source = new FakeBridgeSource();
  source.addHost('h1');
  const config = mqttConfigSchema.parse({ broker: `mqtt://127.0.0.1:${port}`, queue: { maxMessages: 50 }, reconnect: { initialMs: 20, maxMs: 50 } });
  const wiring = createMqtt({ config, cluster: 'c3', stateDir: undefined, source, log: silentLogger() });
  const { services, bridge } = wiring;
  for (const s of services) await s.init?.();
  t.after(async () => {
    for (const s of [...services].reverse()) await s.shutdown?.();
  });
  for (let i = 0; i < 20; i++) source.tick(i * 1000, 10); // 20 x (1 host + 10 functions) = 220 messages
  const st = bridge?.stats();
  assert.equal(st?.queued, 50);
  assert.equal(st?.dropped, 220 - 50);
  await waitFor('a failed connect', () => bridge?.stats().state === 'reconnecting');
  assert.equal(wiring.status(), 'reconnecting');
});

test('shutdown while waiting to reconnect after a refused login completes', async (t) => {
  // A broker that refuses every login, as mosquitto does for a wrong password.
  const broker = await Aedes.createBroker({ authenticate: (_client, _user, _password, done) => done(null, false) });
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
  const port = (server.address() as { port: number }).port;
  const config = mqttConfigSchema.parse({ broker: `mqtt://127.0.0.1:${port}`, username: 'u', password: 'p', reconnect: { initialMs: 60_000, maxMs: 60_000 } });
  const wiring = createMqtt({ config, cluster: 'c4', stateDir: undefined, source: new FakeBridgeSource(), log: silentLogger() });
  for (const s of wiring.services) await s.init?.();
  await waitFor('login refused', () => wiring.bridge?.stats().state === 'reconnecting');
  assert.match(wiring.bridge?.stats().lastError ?? '', /not authori[sz]ed|bad user/i);
  // Between attempts: shutdown must wait neither for the 60 s backoff nor for a 'close' that already happened.
  for (const s of [...wiring.services].reverse()) await s.shutdown?.();
  assert.equal(wiring.bridge?.stats().state, 'stopped');
});
