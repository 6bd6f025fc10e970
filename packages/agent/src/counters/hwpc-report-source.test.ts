// Acceptance (3) of issue #3: real-format hwpc-sensor report streams (socket NDJSON over TCP and CSV
// output, both the <= 1.6.0 cumulative-time and the 1.7.0 delta semantics) are ingested and turned
// into per-function activity, host energy and frequency; malformed lines are counted and logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { access, appendFile, cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { silentLogger } from '@isawatt/common';
import type { ActivitySample, ActivityTarget } from './activity-source.js';
import { HwpcReportSource } from './hwpc-report-source.js';

const FIXTURES = fileURLToPath(new URL('../../testdata/hwpc/', import.meta.url));
const BASE = '/sys/fs/cgroup/unified';
const RESIZE = '/fnpool.slice/fn-resize-7f3c.scope';
const JWT = '/fnpool.slice/fn-jwt-11aa.scope';
const TARGETS: ActivityTarget[] = [
  { name: 'resize', cpus: [0], cgroupV2Path: `${BASE}${RESIZE}` },
  { name: 'jwt', cpus: [28], cgroupV1Paths: { perf_event: `${BASE}${JWT}/` } },
  { name: 'idle-fn', cpus: [1], cgroupV2Path: `${BASE}/fnpool.slice/fn-idle.scope` },
];

interface JsonReading {
  [event: string]: number;
}
interface JsonReport {
  timestamp: number;
  target: string;
  groups: Record<string, Record<string, Record<string, JsonReading>>>;
}

/**
 * Independent expectation for the 1.7.0 (delta) fixture, from plain JSON.parse (its values are below
 * 2^53): the first `ticks` ticks summed, counts scaled by enabled/running.
 */
async function expected(ticks: number): Promise<{ events: Map<string, Map<string, bigint>>; cpuUs: Map<string, bigint> }> {
  const lines = (await readFile(join(FIXTURES, 'socket-v1.7.0-delta.ndjson'), 'utf8')).trim().split('\n');
  const reports = lines.map((l) => JSON.parse(l) as JsonReport);
  const t0 = reports[0]?.timestamp ?? 0;
  const events = new Map<string, Map<string, bigint>>();
  const cpuUs = new Map<string, bigint>();
  for (const r of reports) {
    if (r.target === 'all' || r.timestamp >= t0 + ticks * 1000) continue;
    const ev = events.get(r.target) ?? new Map<string, bigint>();
    events.set(r.target, ev);
    let ns = 0n;
    for (const sockets of Object.values(r.groups)) {
      for (const cpus of Object.values(sockets)) {
        for (const reading of Object.values(cpus)) {
          const te = BigInt(reading.time_enabled ?? 0);
          const tr = BigInt(reading.time_running ?? 0);
          ns += tr;
          for (const [e, v] of Object.entries(reading)) {
            if (e.startsWith('time_')) continue;
            const n = BigInt(v);
            ev.set(e, (ev.get(e) ?? 0n) + (tr > 0n && te > tr ? (n * te) / tr : n));
          }
        }
      }
    }
    cpuUs.set(r.target, (cpuUs.get(r.target) ?? 0n) + ns / 1000n);
  }
  return { events, cpuUs };
}

function sumOverSockets(m: ReadonlyMap<number, ReadonlyMap<string, bigint>> | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const counts of m?.values() ?? []) for (const [e, n] of counts) out.set(e, (out.get(e) ?? 0n) + n);
  return out;
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  // A generous bound on a monotonic clock: a loaded 2-CPU machine can delay the socket by seconds.
  const deadline = performance.now() + 30_000;
  while (!cond() && performance.now() < deadline) await sleep(10);
  assert.ok(cond(), `timed out waiting for ${what}`);
}

/** Plays a fixture to the source as hwpc-sensor's socket output does, in small chunks. */
async function stream(port: number, text: string, chunk = 97): Promise<void> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  for (let i = 0; i < text.length; i += chunk) sock.write(text.slice(i, i + chunk));
  await new Promise<void>((resolve) => sock.end(resolve));
}

async function checkFixtureSample(s: ActivitySample, cumulative: boolean): Promise<void> {
  const want = await expected(3);
  assert.equal(s.intervalMs, 3000);
  assert.deepEqual(s.events, ['CPU_CLK_THREAD_UNHALTED:REF_P', 'CPU_CLK_THREAD_UNHALTED:THREAD_P', 'INSTRUCTIONS_RETIRED', 'LLC_MISSES']);
  // 85 + 86 + 84 J and 62.5 + 63 + 62 J, from 2^-32 J RAPL units, exactly.
  assert.deepEqual(
    [...(s.hostEnergyUjBySocket ?? [])],
    [
      [0, 255_000_000n],
      [1, 187_500_000n],
    ],
  );
  const f0 = s.frequencyMhzBySocket?.get(0) ?? 0;
  assert.ok(Math.abs(f0 - (2100 * (1650433210 + 1612004432)) / (1188311902 + 1160643190)) < 1e-6, `socket 0 frequency ${f0}`);
  assert.equal(Math.floor(f0 / 100) * 100, 2900);
  const [resize, jwt, idle] = s.targets;
  assert.deepEqual(sumOverSockets(resize?.eventsBySocket), want.events.get(RESIZE));
  assert.deepEqual(sumOverSockets(jwt?.eventsBySocket), want.events.get(JWT));
  assert.deepEqual([...(resize?.eventsBySocket.keys() ?? [])].sort(), [0, 1]);
  assert.equal(idle?.cpuTimeUs, 0n);
  assert.deepEqual(sumOverSockets(s.otherEventsBySocket), want.events.get('/system.slice/sshd.service'));
  const resizeTick0Us = 412003311n / 1000n;
  // <= 1.6.0: the first report of a target has no time baseline, so its first tick's CPU time is unknown (0).
  assert.equal(resize?.cpuTimeUs, (want.cpuUs.get(RESIZE) ?? 0n) - (cumulative ? resizeTick0Us : 0n));
  assert.match(s.warnings.join('\n'), cumulative ? /cumulative times \(hwpc-sensor <= 1\.6\.0\)/ : /delta times \(hwpc-sensor >= 1\.7\.0\)/);
}

for (const [file, cumulative] of [
  ['socket-v1.7.0-delta.ndjson', false],
  ['socket-v1.6.0-cumulative.ndjson', true],
] as const) {
  test(`socket output over TCP: ${file}`, async (t) => {
    const src = new HwpcReportSource({ listen: { host: '127.0.0.1', port: 0 }, cgroupBasePath: BASE, log: silentLogger() });
    await src.init();
    t.after(() => src.close());
    const port = src.address()?.port ?? 0;
    await stream(port, await readFile(join(FIXTURES, file), 'utf8'));
    await waitFor(() => src.stats().reports === 16, '16 reports');
    const s = await src.sample(TARGETS, 5000);
    await checkFixtureSample(s, cumulative);
    assert.equal(src.stats().malformedLines, 0);
    // Tick 3 is released once a later tick arrives; none does, so the next sample is empty.
    const empty = await src.sample(TARGETS, 6000);
    assert.equal(empty.intervalMs, 0);
    assert.equal(src.stats().pendingTicks, 1);
  });
}

for (const [dir, cumulative] of [
  ['csv-v1.7.0-delta', false],
  ['csv-v1.6.0-cumulative', true],
] as const) {
  test(`csv output directory: ${dir}, read incrementally`, async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), 'isawatt-hwpc-'));
    t.after(() => rm(tmp, { recursive: true, force: true }));
    // The sensor appends as it goes: start with the headers and the first half of each file.
    const full = new Map<string, string[]>();
    for (const name of await readdir(join(FIXTURES, dir))) {
      const lines = (await readFile(join(FIXTURES, dir, name), 'utf8')).split('\n');
      full.set(name, lines);
      const half = Math.ceil(lines.length / 2);
      await appendFile(join(tmp, name), lines.slice(0, half).join('\n') + '\n');
      full.set(name, lines.slice(half));
    }
    const src = new HwpcReportSource({ csvDirectory: tmp, cgroupBasePath: BASE, log: silentLogger() });
    await src.init();
    t.after(() => src.close());
    const first = await src.sample(TARGETS, 1000);
    for (const [name, rest] of full) await appendFile(join(tmp, name), rest.join('\n'));
    const second = await src.sample(TARGETS, 2000);
    // Whatever the split, the two samples together hold ticks 0-2; check the merged result.
    const merged = mergeSamples(first, second);
    await checkFixtureSample(merged, cumulative);
    assert.equal(src.stats().malformedLines, 0);
    // A malformed row is counted and skipped, the next good rows still count.
    await appendFile(join(tmp, 'core.csv'), '1767225604000,xeon-node-07,/x,0,0,1,2\n');
    await src.sample(TARGETS, 3000);
    assert.equal(src.stats().malformedLines, 1);
  });
}

function mergeSamples(a: ActivitySample, b: ActivitySample): ActivitySample {
  const addMaps = <K>(x: ReadonlyMap<K, bigint> | undefined, y: ReadonlyMap<K, bigint> | undefined): Map<K, bigint> => {
    const out = new Map(x ?? []);
    for (const [k, v] of y ?? []) out.set(k, (out.get(k) ?? 0n) + v);
    return out;
  };
  const addSockets = (
    x: ReadonlyMap<number, ReadonlyMap<string, bigint>> | undefined,
    y: ReadonlyMap<number, ReadonlyMap<string, bigint>> | undefined,
  ): Map<number, Map<string, bigint>> => {
    const out = new Map<number, Map<string, bigint>>();
    for (const m of [x, y]) for (const [s, c] of m ?? []) out.set(s, addMaps(out.get(s), c));
    return out;
  };
  const fa = a.frequencyMhzBySocket;
  return {
    timestampMs: b.timestampMs,
    intervalMs: a.intervalMs + b.intervalMs,
    events: b.events.length > 0 ? b.events : a.events,
    warnings: [...a.warnings, ...b.warnings],
    targets: a.targets.map((t, i) => ({
      name: t.name,
      cpuTimeUs: t.cpuTimeUs + (b.targets[i]?.cpuTimeUs ?? 0n),
      eventsBySocket: addSockets(t.eventsBySocket, b.targets[i]?.eventsBySocket),
    })),
    otherEventsBySocket: addSockets(a.otherEventsBySocket, b.otherEventsBySocket),
    hostEnergyUjBySocket: addMaps(a.hostEnergyUjBySocket, b.hostEnergyUjBySocket),
    // Every fixture tick has the same APERF/MPERF, so either sample's frequency is the answer.
    ...(fa !== undefined && fa.size > 0 ? { frequencyMhzBySocket: fa } : b.frequencyMhzBySocket ? { frequencyMhzBySocket: b.frequencyMhzBySocket } : {}),
  };
}

test('malformed socket lines are counted and logged, never fatal', async (t) => {
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb): void {
      logged.push(chunk.toString());
      cb();
    },
  });
  const src = new HwpcReportSource({ listen: { host: '127.0.0.1', port: 0 }, cgroupBasePath: BASE, log: pino({ level: 'warn' }, sink) });
  await src.init();
  t.after(() => src.close());
  await stream(src.address()?.port ?? 0, await readFile(join(FIXTURES, 'socket-malformed.ndjson'), 'utf8'), 13);
  await waitFor(() => src.stats().reports + src.stats().malformedLines === 10, '10 lines');
  const st = src.stats();
  assert.deepEqual([st.reports, st.malformedLines, st.pendingTicks], [4, 6, 1]);
  // By reason, for isawatt_hwpc_reports_rejected_total.
  assert.deepEqual(Object.fromEntries(st.rejected), { not_json: 2, invalid_report: 4 });
  assert.deepEqual(st.sensors, ['xeon-node-07']);
  const s = await src.sample(TARGETS, 1000);
  assert.match(s.warnings.join('\n'), /6 malformed line\(s\) skipped \(total 6\); last: 127\.0\.0\.1:\d+: timestamp: expected ms since epoch/);
  const warns = logged.map((l) => JSON.parse(l) as { msg: string; reason: string });
  assert.equal(warns.filter((w) => w.msg === 'malformed hwpc-sensor report skipped').length, 6);
  assert.ok(warns.some((w) => /LLC_MISSES: expected an unsigned 64-bit integer, got 1\.5/.test(w.reason)));
  // The source still ingests a good stream afterwards.
  await stream(src.address()?.port ?? 0, await readFile(join(FIXTURES, 'socket-v1.7.0-delta.ndjson'), 'utf8'));
  await waitFor(() => src.stats().reports === 20, '20 reports');
});

test('an over-long line is dropped as malformed without buffering it', async (t) => {
  const src = new HwpcReportSource({ listen: { host: '127.0.0.1', port: 0 }, cgroupBasePath: BASE, maxLineBytes: 4096, log: silentLogger() });
  await src.init();
  t.after(() => src.close());
  const good = (await readFile(join(FIXTURES, 'socket-v1.7.0-delta.ndjson'), 'utf8')).split('\n')[0] ?? '';
  await stream(src.address()?.port ?? 0, `${'x'.repeat(20000)}\n${good}\n`, 1000);
  await waitFor(() => src.stats().reports === 1, 'the good line');
  assert.equal(src.stats().malformedLines, 1);
});

test('configuration errors are clear', async () => {
  assert.throws(() => new HwpcReportSource({ cgroupBasePath: BASE, log: silentLogger() }), /set listen \(socket output\) and\/or csvDirectory/);
  const src = new HwpcReportSource({ csvDirectory: '/nonexistent/hwpc', cgroupBasePath: BASE, log: silentLogger() });
  await assert.rejects(src.init(), /hwpc-sensor: csv output directory unreadable \(\/nonexistent\/hwpc\)/);
});

// Keep the fixture generator and the files in step (a stale fixture would test nothing new).
const python = '/usr/bin/python3';
const hasPython = await access(python).then(
  () => true,
  () => false,
);
test(
  'fixtures: regenerating them gives the checked-in files; tick 0 is the reference tick of docs/reference-readings.md',
  { skip: hasPython ? false : `${python} not installed` },
  async (t) => {
    const tmp = await mkdtemp(join(tmpdir(), 'isawatt-hwpc-gen-'));
    t.after(() => rm(tmp, { recursive: true, force: true }));
    await cp(join(FIXTURES, 'make-fixtures.py'), join(tmp, 'make-fixtures.py'));
    await promisify(execFile)(python, ['make-fixtures.py'], { cwd: tmp });
    const files = ['socket-v1.7.0-delta.ndjson', 'socket-v1.6.0-cumulative.ndjson', 'socket-malformed.ndjson'];
    for (const d of ['csv-v1.7.0-delta', 'csv-v1.6.0-cumulative']) for (const f of ['core.csv', 'msr.csv', 'rapl.csv']) files.push(join(d, f));
    for (const f of files) assert.equal(await readFile(join(tmp, f), 'utf8'), await readFile(join(FIXTURES, f), 'utf8'), f);
    const csv = await readFile(join(FIXTURES, 'csv-v1.7.0-delta/core.csv'), 'utf8');
    assert.ok(csv.includes('1767225600000,xeon-node-07,/fnpool.slice/fn-resize-7f3c.scope,0,0,8652069,1186250112,2101334870,1834412,412003311,412003311\n'));
  },
);
