import * as grpc from '@grpc/grpc-js';
import { clientCredentials, createLogger, serverCredentials, silentLogger, type Logger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { HostHardware } from '../hardware/detect.js';
import type { FunctionRuntime } from '../runtime/function-runtime.js';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { CoordinatorLink } from './coordinator-client.js';
import { TestCoordinator } from './test-coordinator.test-support.js';
import { makeTestPki } from './tls-certs.test-support.js';
import type { HelloInfo } from './hello-info.js';

class ManualTelemetry extends EventEmitter<{ snapshot: [TickSnapshot] }> implements TelemetrySource {
  private latest: TickSnapshot | undefined;
  private seq = 0n;
  snapshot(): TickSnapshot | undefined {
    return this.latest;
  }
  tick(): void {
    this.seq += 1n;
    this.latest = {
      seq: this.seq,
      timestampMs: 1_764_201_600_000 + Number(this.seq) * 1000,
      intervalMs: 1000,
      cpuUtilization: 0.5,
      cpuUtilizationPerCpu: [0.5],
      cpuFrequencyMhz: 0,
      hostEnergyUj: 0n,
      hostPowerW: 0,
      hostQuality: 'estimated',
      energySource: 'none',
      domains: [],
      attribution: 'none',
      modelErrorW: -1,
      idleEnergyUj: 0n,
      functions: [],
      assignmentVersion: 0n,
      agentCpuTimeUs: 10n,
      agentRssBytes: 1,
    };
    this.emit('snapshot', this.latest);
  }
}

const hardware: HostHardware = {
  arch: 'x86_64',
  cpuModel: 'Test CPU',
  sockets: 1,
  physicalCores: 2,
  logicalCpus: 2,
  onlineCpus: [0, 1],
  cpus: [],
  socketOfCpu: new Map(),
  functionCpus: [1],
  reservedCpus: [0],
  memoryBytes: 0n,
  hostType: 'test',
  sources: {},
  warnings: [],
};

function hello(session: string): () => HelloInfo {
  return () => ({
    hostId: 'h1',
    sessionId: session,
    agentVersion: 'test',
    hardware,
    energySources: [],
    counterSource: 'none',
    pinning: 'none',
    catalogue: [],
    emulatedProfile: undefined,
    runningAssignmentVersion: 0n,
    idlePowerW: 0,
  });
}

/** A warn-level logger whose JSON lines are kept, parsed, in `lines`. */
function warnLog(): { lines: Record<string, unknown>[]; log: Logger } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ name: 'test', level: 'warn', destination: sink }) };
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now(); // monotonic: Date.now() can step
  while (!cond()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function startLink(
  t: { after(fn: () => Promise<void> | void): void },
  coord: TestCoordinator,
  opts: {
    session: string;
    bufferMaxReports?: number;
    resendWindow?: number;
    runtime?: FunctionRuntime;
    log?: ReturnType<typeof silentLogger>;
    port?: number;
    credentials?: grpc.ChannelCredentials;
  },
): { link: CoordinatorLink; telemetry: ManualTelemetry } {
  const telemetry = new ManualTelemetry();
  const link = new CoordinatorLink({
    address: `127.0.0.1:${opts.port ?? coord.port}`,
    credentials: opts.credentials ?? grpc.credentials.createInsecure(),
    sessionId: opts.session,
    hello: hello(opts.session),
    telemetry,
    runtime: opts.runtime,
    bufferMaxReports: opts.bufferMaxReports ?? 1000,
    resendWindow: opts.resendWindow ?? 120,
    log: opts.log ?? silentLogger(),
    backoff: { initialMs: 30, maxMs: 150 },
  });
  const ac = new AbortController();
  const running = link.run(ac.signal);
  t.after(async () => {
    ac.abort();
    await running;
    coord.kill();
  });
  return { link, telemetry };
}

test('reconnects after the coordinator is killed and restarted on the same port; nothing is lost', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  const { link, telemetry } = startLink(t, coord, { session: 's1' });
  await until('attach', () => link.stats().connected);
  assert.equal(coord.hellos[0]?.host_id, 'h1');
  for (let i = 0; i < 5; i++) telemetry.tick();
  await until('5 stored', () => coord.seqs('s1').length === 5);

  coord.kill();
  await until('link down', () => !link.stats().connected);
  for (let i = 0; i < 10; i++) telemetry.tick(); // produced while the coordinator is down
  assert.equal(link.stats().droppedReports, 0);

  await coord.start(port);
  await until('reattach', () => link.stats().connected && coord.hellos.length === 2);
  await until('15 stored', () => coord.seqs('s1').length === 15);
  assert.deepEqual(
    coord.seqs('s1'),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  assert.equal(coord.duplicates, 0, 'Welcome.last_seq_stored stops resending what was stored');
  assert.equal(link.stats().attaches, 2);
  telemetry.tick();
  await until('16 stored', () => coord.seqs('s1').length === 16);
});

test('reports sent but not stored before a crash are resent from the resend window', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  const { link, telemetry } = startLink(t, coord, { session: 's2' });
  await until('attach', () => link.stats().connected);
  coord.forget = new Set(['4', '5']); // received, then lost with the process
  for (let i = 0; i < 5; i++) telemetry.tick();
  await until('3 stored', () => coord.seqs('s2').length === 3);
  await until('all 5 written', () => link.stats().lastSeqSent === 5n);
  coord.kill();
  coord.forget = new Set();
  await until('link down', () => !link.stats().connected);
  await coord.start(port);
  await until('5 stored', () => coord.seqs('s2').length === 5);
  assert.deepEqual(coord.seqs('s2'), [1, 2, 3, 4, 5]);
});

test('the buffer is bounded while disconnected: the oldest reports are dropped and counted', async (t) => {
  const coord = new TestCoordinator();
  const port = await coord.start();
  const { link, telemetry } = startLink(t, coord, { session: 's3', bufferMaxReports: 4, resendWindow: 2 });
  await until('attach', () => link.stats().connected);
  coord.kill();
  await until('link down', () => !link.stats().connected);
  for (let i = 0; i < 10; i++) telemetry.tick();
  assert.equal(link.stats().bufferedReports, 4);
  assert.equal(link.stats().droppedReports, 6);
  await coord.start(port);
  await until('4 stored', () => coord.seqs('s3').length === 4);
  assert.deepEqual(coord.seqs('s3'), [7, 8, 9, 10]);
});

test('an unreachable coordinator gives a one-line warning per attempt and keeps retrying', async (t) => {
  const { lines, log } = warnLog();
  const coord = new TestCoordinator();
  const port = await coord.start();
  coord.kill(); // a port nobody listens on
  const { link } = startLink(t, coord, { session: 's4', port, log });
  await until('3 attempts', () => link.stats().attempts >= 3);
  const warns = lines.filter((l) => l.msg === 'coordinator unreachable; retrying');
  assert.ok(warns.length >= 2, JSON.stringify(lines));
  const first = warns[0] ?? {};
  assert.equal(first.coordinator, `127.0.0.1:${port}`);
  assert.match(String(first.reason), /^14 UNAVAILABLE: .*ECONNREFUSED/);
  assert.ok(!String(first.reason).includes('\n'));
  assert.equal(typeof first.retryInMs, 'number');
  assert.equal(link.stats().connected, false);
});

test('assignments without a runtime are acked "runtime unavailable"; with one they are applied', async (t) => {
  const coord = new TestCoordinator();
  await coord.start();
  coord.assignment = { version: '2', issued_at_ms: '0', functions: [{ function: 'jwt-node', cores: 1, rate_rps: 10, arrival: 'constant' }] };
  startLink(t, coord, { session: 's5' });
  await until('ack', () => coord.acks.length === 1);
  assert.deepEqual([coord.acks[0]?.ok, coord.acks[0]?.error_code, coord.acks[0]?.version], [false, 'internal', '2']);
  assert.match(coord.acks[0]?.error ?? '', /runtime unavailable/);

  const coord2 = new TestCoordinator();
  await coord2.start();
  coord2.assignment = coord.assignment;
  const applied: bigint[] = [];
  const runtime: FunctionRuntime = {
    pinning: 'sched-affinity',
    catalogue: () => [],
    apply: (spec) => {
      applied.push(spec.version);
      return Promise.resolve({ ok: true, placements: [{ function: 'jwt-node', cpus: [1], workerPids: [4242] }] });
    },
    runningVersion: () => 1n,
    placements: () => [],
    activityTargets: () => [],
    takeInvocationFigures: () => new Map(),
    close: () => Promise.resolve(),
  };
  startLink(t, coord2, { session: 's6', runtime });
  await until('ack', () => coord2.acks.length === 1);
  assert.deepEqual(applied, [2n]);
  assert.equal(coord2.acks[0]?.ok, true);
  assert.deepEqual(coord2.acks[0]?.placements, [{ function: 'jwt-node', cpus: [1], worker_pids: [4242] }]);
});

test('mutual TLS: an agent with a client certificate attaches; one without is refused and says why', async (t) => {
  const pki = makeTestPki('h1');
  t.after(() => pki.remove());
  const coord = new TestCoordinator();
  await coord.start(0, serverCredentials({ caFile: pki.caFile, certFile: pki.serverCert, keyFile: pki.serverKey }));
  const { link, telemetry } = startLink(t, coord, {
    session: 'tls-1',
    credentials: clientCredentials({ caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey }),
  });
  await until('attach over mTLS', () => link.stats().connected);
  telemetry.tick();
  await until('1 stored', () => coord.seqs('tls-1').length === 1);

  const { lines, log } = warnLog();
  const { link: noCert } = startLink(t, coord, {
    session: 'tls-2',
    credentials: clientCredentials({ caFile: pki.caFile }),
    log,
  });
  await until('2 attempts', () => noCert.stats().attempts >= 2);
  assert.equal(noCert.stats().attaches, 0);
  assert.ok(
    lines.some((l) => l.msg === 'coordinator unreachable; retrying' && typeof l.reason === 'string' && /^14 UNAVAILABLE/.test(l.reason)),
    JSON.stringify(lines),
  );
  assert.equal(coord.hellos.filter((h) => h.session_id === 'tls-2').length, 0);
});

test('a coordinator that refuses the agent is logged as an error, and the agent keeps trying', async (t) => {
  const { lines, log } = warnLog();
  const coord = new TestCoordinator();
  coord.refuse = { code: grpc.status.INVALID_ARGUMENT, details: 'host id "h1" does not match the certificate CN "other"' };
  await coord.start();
  const { link } = startLink(t, coord, { session: 'r1', log });
  await until('2 refusals', () => coord.hellos.length >= 2);
  await until('error logged', () => lines.some((l) => l.msg === 'coordinator refused this agent; retrying'));
  const line = lines.find((l) => l.msg === 'coordinator refused this agent; retrying');
  assert.equal(line?.level, 50);
  assert.equal(line?.reason, '3 INVALID_ARGUMENT: host id "h1" does not match the certificate CN "other"');
  assert.equal(link.stats().attaches, 0);
});
