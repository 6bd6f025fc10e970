import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import { StateStore } from '../store/state-store.js';
import { HostRegistry, type AgentChannel } from './host-registry.js';
import type { Assignment, Hello, TelemetryTick } from './types.js';
import { ColumnReport, FN, type IngestedReport } from './ingested-report.js';
import { testHello } from './hello.test-support.js';

const hello = (hostId: string, sessionId = 's1'): Hello =>
  testHello(hostId, {
    sessionId,
    catalogue: [{ name: 'f', version: '1', runtime: 'node', category: 'test', runnable: true, unavailableReason: '' }],
  });

const tick = (seq: bigint, sessionId = 's1'): TelemetryTick => ({
  seq,
  timestampMs: 1_700_000_000_000 + Number(seq) * 1000,
  intervalMs: 1000,
  sessionId,
  cpuUtilization: 0.5,
  cpuUtilizationPerCpu: [],
  cpuFrequencyMhz: 0,
  hostEnergyUj: 100_000_000n,
  hostPowerW: 100,
  hostQuality: 'measured',
  energySource: 'rapl',
  domains: [],
  attribution: 'none',
  modelErrorW: -1,
  idleEnergyUj: 100_000_000n,
  functions: [],
  assignmentVersion: 0n,
  agentCpuTimeUs: 0n,
  agentRssBytes: 0n,
});

function channel(sent: Assignment[] = []): AgentChannel & { closed: string[] } {
  const closed: string[] = [];
  return { closed, sendAssignment: (a) => (sent.push(a), true), close: (r) => void closed.push(r) };
}

test('reports are stored once per (host, session, seq); duplicates are counted and not emitted', async () => {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 1000, flushIntervalMs: 1000, log: silentLogger() });
  const emitted: bigint[] = [];
  reg.on('telemetry', (_h, r) => emitted.push(r.seq));
  const { attachmentId } = await reg.attach(hello('h1'), channel(), 'peer', '');
  assert.equal(reg.ingest('h1', attachmentId, tick(1n)), 'stored');
  assert.equal(reg.ingest('h1', attachmentId, tick(2n)), 'stored');
  assert.equal(reg.ingest('h1', attachmentId, tick(2n)), 'duplicate');
  assert.equal(reg.ingest('h1', attachmentId, tick(1n)), 'duplicate');
  // Another session of the same host has its own sequence.
  assert.equal(reg.ingest('h1', attachmentId, tick(1n, 's2')), 'stored');
  assert.deepEqual(emitted, [1n, 2n, 1n]);
  const v = reg.get('h1');
  assert.equal(v.reportsReceived, 3);
  assert.equal(v.reportsDuplicate, 2);
  // A stale attachment (an older stream of the same host) cannot write.
  assert.equal(reg.ingest('h1', attachmentId + 99, tick(3n)), 'stale-attachment');
  await reg.stop();
});

/** A report in columns, as the AgentLink decoder leaves it (one function "f"). */
function columns(seq: bigint, r = new ColumnReport()): ColumnReport {
  const { functions: _functions, ...t } = tick(seq);
  void _functions;
  r.reset(1);
  Object.assign(r, {
    ...t,
    hostEnergyUj: Number(t.hostEnergyUj),
    idleEnergyUj: Number(t.idleEnergyUj),
    hostQuality: 1,
    assignmentVersion: 0,
    agentCpuTimeUs: 0,
    agentRssBytes: 0,
  });
  r.names[0] = 'f';
  r.cols[FN.completed] = 5;
  r.cols[FN.hasInvocations] = 1;
  r.cols[FN.quality] = 1;
  return r;
}

test('a report kept in columns is built into objects only when read; the latest is pinned, the one it replaces released', async () => {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 60_000, flushIntervalMs: 60_000, log: silentLogger() });
  const { attachmentId } = await reg.attach(hello('h1'), channel(), 'peer', '');
  const seen: IngestedReport[] = [];
  reg.on('report', (_h, r) => seen.push(r));
  const a = columns(2n);
  const built = { count: 0 };
  const tickOf = a.tick.bind(a);
  a.tick = () => (built.count++, tickOf());
  assert.equal(reg.ingest('h1', attachmentId, a), 'stored');
  assert.equal(seen[0], a, "'report' listeners get the columns themselves");
  assert.equal(built.count, 0, 'nothing is built while nobody reads the whole report');
  assert.equal(a.pinned, true);
  const view = reg.get('h1');
  assert.equal(view.lastReport?.seq, 2n);
  assert.equal(view.lastReport?.functions[0]?.invocations.completed, 5n);
  assert.equal(view.lastReport?.functions[0]?.quality, 'measured');
  assert.equal(built.count, 1, 'built once per view');
  // A newer report releases the old buffer; a view taken before it was rewritten reads the newer latest.
  const stale = reg.get('h1');
  const b = columns(3n);
  assert.equal(reg.ingest('h1', attachmentId, b), 'stored');
  assert.equal(a.pinned, false);
  assert.equal(b.pinned, true);
  columns(9n, a); // the stream reuses the released buffer
  assert.equal(stale.lastReport?.seq, 3n);
  // 'telemetry' (objects) is built only while it has listeners.
  const objects: TelemetryTick[] = [];
  reg.on('telemetry', (_h, r) => objects.push(r));
  assert.equal(reg.ingest('h1', attachmentId, tick(5n)), 'stored');
  assert.equal(objects[0]?.seq, 5n);
  assert.equal(b.pinned, false, 'an object report replaces the columns too');
  assert.equal(reg.get('h1').lastReport?.seq, 5n);
});

test('liveness: silent hosts go down after hostDownAfterMs, a message brings them back; events fire once', async () => {
  let now = 1000;
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 5000, flushIntervalMs: 1000, log: silentLogger(), now: () => now });
  const events: string[] = [];
  reg.on('host-up', (h) => events.push(`up:${h.hostId}`));
  reg.on('host-down', (h, reason) => events.push(`down:${h.hostId}:${reason.split(' ')[0]}`));
  const { attachmentId } = await reg.attach(hello('h1'), channel(), 'peer', '');
  now += 5000;
  reg.checkLiveness();
  assert.equal(reg.get('h1').state, 'up', 'exactly at the limit it is still up');
  now += 1;
  reg.checkLiveness();
  reg.checkLiveness();
  assert.equal(reg.get('h1').state, 'down');
  reg.ingest('h1', attachmentId, tick(1n));
  assert.equal(reg.get('h1').state, 'up');
  reg.detach('h1', attachmentId, 'stream ended by agent');
  assert.equal(reg.get('h1').state, 'down');
  assert.deepEqual(events, ['up:h1', 'down:h1:silent', 'up:h1', 'down:h1:stream']);
  await reg.stop();
});

test('a second stream of the same host replaces the first', async () => {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 5000, flushIntervalMs: 1000, log: silentLogger() });
  const downs: string[] = [];
  reg.on('host-down', (h) => downs.push(h.hostId));
  let a = { attachmentId: 0 };
  // Like the AgentLink service: closing a stream detaches it with its own attachment id.
  const first: AgentChannel & { closed: string[] } = {
    closed: [],
    sendAssignment: () => true,
    close(reason) {
      this.closed.push(reason);
      reg.detach('h1', a.attachmentId, reason);
    },
  };
  a = await reg.attach(hello('h1'), first, 'p1', '');
  const b = await reg.attach(hello('h1'), channel(), 'p2', '');
  assert.equal(first.closed.length, 1);
  assert.deepEqual(downs, [], 'no host-down while a stream replaces another');
  // The old stream's end must not mark the host down.
  reg.detach('h1', a.attachmentId, 'old stream closed');
  assert.equal(reg.get('h1').state, 'up');
  assert.equal(reg.get('h1').peer, 'p2');
  assert.notEqual(a.attachmentId, b.attachmentId);
  await reg.stop();
});

test('watermarks, hosts and assignments survive a restart through the state directory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-registry-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store1 = new StateStore(dir, silentLogger());
  await store1.init('c');
  const reg1 = new HostRegistry({ store: store1, hostDownAfterMs: 5000, flushIntervalMs: 1000, log: silentLogger() });
  await reg1.start();
  const sent: Assignment[] = [];
  const { attachmentId } = await reg1.attach(hello('h1'), channel(sent), 'peer', '');
  for (let s = 1n; s <= 7n; s++) reg1.ingest('h1', attachmentId, tick(s));
  const issued = await reg1.issue('h1', [{ function: 'f', cores: 2, rateRps: 5, arrival: '' }]);
  assert.equal(issued.assignment.version, 1n);
  assert.equal(sent.length, 1);
  await reg1.stop();

  const store2 = new StateStore(dir, silentLogger());
  await store2.init('c');
  const reg2 = new HostRegistry({ store: store2, hostDownAfterMs: 5000, flushIntervalMs: 1000, log: silentLogger() });
  await reg2.start();
  const h = reg2.get('h1');
  assert.equal(h.state, 'down');
  assert.equal(h.hello.physicalCores, 32);
  assert.equal(h.hello.memoryBytes, 1n << 40n);
  assert.equal(h.assignment?.version, 1n);
  const again = await reg2.attach(hello('h1'), channel(), 'peer', '');
  assert.equal(again.lastSeqStored, 7n);
  assert.equal(again.assignment?.functions[0]?.cores, 2);
  // Versions continue from the stored one.
  assert.equal((await reg2.issue('h1', [])).assignment.version, 2n);
  await reg2.stop();
});

test('liveness is independent of a stalled event loop: a late sweep marks nobody down', async () => {
  let now = 1000;
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 5000, flushIntervalMs: 1000, log: silentLogger(), now: () => now });
  const { attachmentId } = await reg.attach(hello('h1'), channel(), 'peer', '');
  reg.checkLiveness();
  // A 12 s stall (a slow Control call): the report that arrived meanwhile is still queued.
  now += 12_000;
  reg.checkLiveness();
  assert.equal(reg.get('h1').state, 'up');
  reg.ingest('h1', attachmentId, tick(1n));
  now += 1000;
  reg.checkLiveness();
  assert.equal(reg.get('h1').state, 'up');
  // Real silence is still detected by the regular sweeps.
  for (let i = 0; i < 6; i++) {
    now += 1000;
    reg.checkLiveness();
  }
  assert.equal(reg.get('h1').state, 'down');
  // A host that really died during a stall is marked down hostDownAfterMs after the stall ended.
  await reg.attach(hello('h2'), channel(), 'peer', '');
  reg.checkLiveness();
  now += 20_000;
  reg.checkLiveness();
  assert.equal(reg.get('h2').state, 'up');
  for (let i = 0; i < 4; i++) {
    now += 1000;
    reg.checkLiveness();
  }
  assert.equal(reg.get('h2').state, 'up', '4 s after the stall: within the 5 s limit');
  now += 2000;
  reg.checkLiveness();
  assert.equal(reg.get('h2').state, 'down');
  await reg.stop();
});
