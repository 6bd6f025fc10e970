// The MQTT bridge against a real mosquitto started by the test: every host's power each tick,
// retained placement after a subscriber reconnects, the last will when the coordinator process is
// killed, PDU readings from a separate publisher process, and a broker outage (5 s here) during
// which ingest goes on and after which the bridge reconnects by itself and the retained topics are
// back. mqtt-e2e.test.ts does the same with the real coordinator process and agents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

import { join } from 'node:path';
import { Writable } from 'node:stream';
import { silentLogger } from '@isawatt/common';
import { pino, type Logger } from 'pino';
import { mqttConfigSchema, type MqttConfigInput } from '../../packages/coordinator/src/mqtt/config.js';
import { createMqtt, type MqttWiring } from '../../packages/coordinator/src/mqtt/create-mqtt.js';
import { FakeBridgeSource } from '../../packages/coordinator/src/mqtt/fake-bridge-source.test-support.js';
import { RegistryBridgeSource } from '../../packages/coordinator/src/mqtt/registry-source.js';
import type { BridgeSource } from '../../packages/coordinator/src/mqtt/bridge-source.js';
import { HostRegistry } from '../../packages/coordinator/src/registry/host-registry.js';
import type { Hello, TelemetryTick } from '../../packages/coordinator/src/registry/types.js';
import { subscribe } from '../helpers/mqtt-subscriber.js';
import { MOSQUITTO, Mosquitto, mosquittoPub, waitFor } from './mqtt-mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testHello } from '../../packages/coordinator/src/registry/hello.test-support.js';

const skip = MOSQUITTO ? false : 'mosquitto is not installed';
// The 30 s outage of the acceptance runs end to end in mqtt-e2e.test.ts; in process a shorter one
// shows the same behaviour of the bridge itself.
const OUTAGE_MS = Math.min(Number(process.env.ISAWATT_MQTT_OUTAGE_MS ?? 30_000), 5000);

async function startBridge(
  source: BridgeSource,
  broker: string,
  over: MqttConfigInput = {},
  stateDir?: string,
  log: Logger = silentLogger(),
): Promise<MqttWiring & { stop(): Promise<void> }> {
  const config = mqttConfigSchema.parse({ broker, reconnect: { initialMs: 200, maxMs: 2000 }, ...over });
  const wiring = createMqtt({ config, cluster: 'lab', stateDir, source, log });
  for (const s of wiring.services) await s.init?.();
  return {
    ...wiring,
    stop: async () => {
      for (const s of [...wiring.services].reverse()) await s.shutdown?.();
    },
  };
}

test('every host power each tick; retained placement after the subscriber reconnects', { skip }, async (t) => {
  const mosq = await Mosquitto.start();
  t.after(() => mosq.stop());
  const source = new FakeBridgeSource();
  const hosts = ['xeon-1', 'xeon-2', 'altra-1', 'altra-2'];
  for (const h of hosts) source.addHost(h, h.startsWith('altra') ? 'aarch64' : 'x86_64');
  source.applyAssignment('xeon-1', 1n, [{ function: 'jwt-sign', cores: 4, rateRps: 200 }]);
  const bridge = await startBridge(source, mosq.url);
  t.after(() => bridge.stop());
  await waitFor('bridge connected', () => bridge.status() === 'connected');

  const sub = await subscribe(mosq.url, 'isawatt/lab/hosts/+/power');
  t.after(() => sub.client.endAsync());
  const ticks = [1000, 2000, 3000, 4000, 5000];
  for (const ts of ticks) {
    source.tick(ts, 5);
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitFor('every host, every tick', () => sub.got.length >= hosts.length * ticks.length);
  for (const h of hosts) {
    const seen = sub.got.filter((m) => m.json.host_id === h).map((m) => m.json.timestamp_ms);
    assert.deepEqual(seen, ticks, `ticks of ${h}`);
  }

  // A subscriber that reconnects gets the retained placement, including changes made while it was away.
  const first = await subscribe(mosq.url, 'isawatt/lab/placement');
  await waitFor('placement', () => first.got.length === 1);
  await first.client.endAsync();
  source.applyAssignment('altra-2', 1n, [{ function: 'thumbnail', cores: 8, rateRps: 40 }]);
  await waitFor('placement published', () => bridge.bridge?.stats().retainedPending === 0 && bridge.bridge.stats().queued === 0);
  const again = await subscribe(mosq.url, 'isawatt/lab/placement');
  t.after(() => again.client.endAsync());
  await waitFor('retained placement after reconnect', () => again.got.length === 1);
  const p = again.got[0];
  assert.equal(p?.retain, true);
  assert.deepEqual(
    (p?.json.hosts as { host_id: string }[]).map((h) => h.host_id),
    ['altra-2', 'xeon-1'],
  );
});

test('the last will says offline when the coordinator process is killed', { skip }, async (t) => {
  const mosq = await Mosquitto.start();
  t.after(() => mosq.stop());
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'mqtt-bridge-child.ts'), mosq.url, 'willtest'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('child bridge connected', () => out.includes('connected'), 30_000);
  const sub = await subscribe(mosq.url, 'isawatt/willtest/coordinator/state');
  t.after(() => sub.client.endAsync());
  await waitFor('online state', () => sub.got.some((m) => m.json.state === 'online'));
  child.kill('SIGKILL');
  await exited;
  await waitFor('last will', () => sub.got.some((m) => m.json.state === 'offline'));
  const will = sub.got.find((m) => m.json.state === 'offline');
  assert.equal(will?.json.reason, 'connection lost');
  assert.equal(will?.json.cluster, 'willtest');
});

test('PDU readings from another process: mapped to hosts, bad ones counted and never attributed', { skip }, async (t) => {
  const mosq = await Mosquitto.start();
  t.after(() => mosq.stop());
  const stateDir = await tempDir(t, 'isawatt-mqtt-state-');
  const source = new FakeBridgeSource();
  source.addHost('xeon-1');
  source.addHost('altra-1', 'aarch64');
  const pdu: MqttConfigInput['pdu'] = {
    sources: [
      { topicFilter: 'lab/pdu1/outlet/+/power', outlet: { topicLevel: 3 }, hosts: { '1': 'xeon-1', '2': 'altra-1' }, maxPowerW: 3000 },
      {
        topicFilter: 'lab/pdu2/json',
        outlet: { field: 'outlet' },
        format: 'json',
        valueField: 'energy_kwh',
        unit: 'kWh',
        timestampField: 'ts',
        hosts: { a: 'altra-1' },
      },
    ],
  };
  // The bridge logs each PDU subscription once the broker has acknowledged it (SUBACK): readings
  // published before that could be lost, so wait for those lines, not for a time.
  const logLines: string[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    }),
  );
  const bridge = await startBridge(source, mosq.url, { pdu }, stateDir, log);
  t.after(() => bridge.stop());
  await waitFor('bridge connected', () => bridge.status() === 'connected');
  await waitFor('both PDU subscriptions acknowledged', () => logLines.filter((l) => l.includes('subscribed to pdu readings')).length >= 2);
  const store = bridge.pduStore;
  assert.ok(store);

  mosquittoPub(mosq.port, 'lab/pdu1/outlet/1/power', '212.5');
  mosquittoPub(mosq.port, 'lab/pdu1/outlet/2/power', '{"power": 97}');
  mosquittoPub(mosq.port, 'lab/pdu1/outlet/3/power', '400'); // unmapped
  mosquittoPub(mosq.port, 'lab/pdu1/outlet/1/power', 'garbage'); // malformed
  mosquittoPub(mosq.port, 'lab/pdu1/outlet/2/power', '99999'); // out of range
  await waitFor('5 messages', () => (bridge.bridge?.stats().pduMessages ?? 0) >= 5);
  assert.equal(store.latest('xeon-1')?.powerW, 212.5);
  assert.equal(store.latest('altra-1')?.powerW, 97);
  const c = bridge.pduIngest?.counters();
  assert.deepEqual([c?.accepted, c?.rejected.unmapped, c?.rejected.malformed, c?.rejected['out-of-range']], [2, 1, 1, 1]);
  const now = Date.now();
  mosquittoPub(mosq.port, 'lab/pdu2/json', JSON.stringify({ outlet: 'a', energy_kwh: 10, ts: now - 10_000 }));
  mosquittoPub(mosq.port, 'lab/pdu2/json', JSON.stringify({ outlet: 'a', energy_kwh: 10.0005, ts: now })); // 0.5 Wh in 10 s = 180 W
  await waitFor('7 messages', () => (bridge.bridge?.stats().pduMessages ?? 0) >= 7);
  assert.equal(Math.round(store.latest('altra-1')?.powerW ?? 0), 180);
  assert.equal(store.series('xeon-1').length, 1, 'nothing else reached xeon-1');
  assert.deepEqual(store.hostIds(), ['altra-1', 'xeon-1']);

  // The next tick shows the PDU figure beside the agent's own, with the difference.
  const sub = await subscribe(mosq.url, 'isawatt/lab/hosts/xeon-1/power');
  t.after(() => sub.client.endAsync());
  source.tick(Date.now(), 0);
  await waitFor('power with pdu', () => sub.got.length === 1);
  assert.equal(sub.got[0]?.json.pdu_power_w, 212.5);
  assert.equal(typeof sub.got[0]?.json.pdu_diff_pct, 'number');
});

const hello = (hostId: string): Hello =>
  testHello(hostId, {
    cpuModel: 'test',
    functionCpus: [4, 5, 6, 7],
    hostType: 'xeon-gold-6130',
    pinning: 'cgroup-v1-cpuset',
    sessionId: `s-${hostId}`,
    emulated: true,
    emulatedProfile: 'xeon-2s',
    memoryBytes: 0n,
  });

const report = (hostId: string, seq: bigint): TelemetryTick => ({
  seq,
  timestampMs: Date.now(),
  intervalMs: 100,
  sessionId: `s-${hostId}`,
  cpuUtilization: 0.1,
  cpuUtilizationPerCpu: [],
  cpuFrequencyMhz: 0,
  hostEnergyUj: 12_000_000n,
  hostPowerW: 120,
  hostQuality: 'emulated',
  energySource: 'emulated',
  domains: [],
  attribution: 'none',
  modelErrorW: -1,
  idleEnergyUj: 12_000_000n,
  functions: [],
  assignmentVersion: 0n,
  agentCpuTimeUs: 0n,
  agentRssBytes: 0n,
});

test(
  `broker outage of ${OUTAGE_MS} ms: ingest goes on, the bridge reconnects by itself, retained topics are back`,
  { skip, timeout: OUTAGE_MS + 180_000 },
  async (t) => {
    const mosq = await Mosquitto.start();
    t.after(() => mosq.stop());
    const registry = new HostRegistry({ store: undefined, hostDownAfterMs: 60_000, flushIntervalMs: 60_000, log: silentLogger() });
    await registry.start();
    t.after(() => registry.stop());
    const hosts = ['h1', 'h2', 'h3'];
    const attachments = new Map<string, number>();
    for (const h of hosts) {
      const a = await registry.attach(hello(h), { sendAssignment: () => true, close: () => undefined }, '127.0.0.1:1', '');
      attachments.set(h, a.attachmentId);
    }
    const { assignment } = await registry.issue('h1', [{ function: 'jwt-sign', cores: 2, rateRps: 10, arrival: '' }]);
    await registry.ack('h1', attachments.get('h1') ?? 0, { version: assignment.version, ok: true, error: '', errorCode: '', placements: [] });
    const bridge = await startBridge(new RegistryBridgeSource(registry), mosq.url, { queue: { maxMessages: 50 } });
    t.after(() => bridge.stop());
    await waitFor('bridge connected', () => bridge.status() === 'connected');

    // Agents report every 100 ms throughout, as the gRPC ingest would.
    let seq = 0n;
    let stored = 0;
    const ingestTimer = setInterval(() => {
      seq++;
      for (const h of hosts) if (registry.ingest(h, attachments.get(h) ?? 0, report(h, seq)) === 'stored') stored++;
    }, 100);
    t.after(() => clearInterval(ingestTimer));

    await waitFor('a few ticks published', () => stored >= 5 * hosts.length);
    await mosq.kill();
    await waitFor('bridge sees the outage', () => bridge.status() === 'reconnecting');
    const storedAtKill = stored;
    // The outage lasts as many ingest ticks as OUTAGE_MS holds at 100 ms (counted, not timed: a busy
    // machine delays the timer). Ingest must go on while the bridge cannot publish: if the bridge
    // blocked the event loop, the ticks would stop and this wait would fail.
    const outageTicks = OUTAGE_MS / 100;
    await waitFor(`${outageTicks} ticks ingested during the outage`, () => stored - storedAtKill >= outageTicks * hosts.length, OUTAGE_MS + 60_000);
    assert.equal(bridge.status(), 'reconnecting', 'the broker was down throughout');
    assert.equal(registry.counts().reportsIngested, stored, 'every report was stored');
    const reconnectsBefore = bridge.bridge?.stats().reconnects ?? 0;
    await mosq.up();
    await waitFor('bridge reconnected by itself', () => bridge.status() === 'connected' && (bridge.bridge?.stats().reconnects ?? 0) > reconnectsBefore, 30_000);
    await waitFor('retained state re-published', () => bridge.bridge?.stats().retainedPending === 0);

    const sub = await subscribe(mosq.url, 'isawatt/lab/#');
    t.after(() => sub.client.endAsync());
    await waitFor('retained topics back', () => sub.got.filter((m) => m.retain).length >= 5);
    const retained = new Set(sub.got.filter((m) => m.retain).map((m) => m.topic));
    for (const topic of [
      'isawatt/lab/placement',
      'isawatt/lab/coordinator/state',
      'isawatt/lab/hosts/h1/state',
      'isawatt/lab/hosts/h2/state',
      'isawatt/lab/hosts/h3/state',
    ]) {
      assert.ok(retained.has(topic), `${topic} is retained again`);
    }
    assert.equal(sub.got.find((m) => m.topic === 'isawatt/lab/coordinator/state')?.json.state, 'online');
    // Live power flows again.
    await waitFor('live power after the outage', () => sub.got.some((m) => !m.retain && m.topic === 'isawatt/lab/hosts/h2/power'));
    const st = bridge.bridge?.stats();
    assert.ok((st?.dropped ?? 0) > 0, 'the bounded queue dropped old ticks during the outage');
    clearInterval(ingestTimer);
    assert.equal(registry.counts().reportsIngested, stored);
    assert.equal(registry.counts().reportsDuplicate, 0);
  },
);
