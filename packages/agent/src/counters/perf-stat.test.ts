// PerfStatSource against a stand-in `perf` executable that speaks perf 6.1's CSV dialect (the real
// perf is exercised in test/agent/perf-stat-real.test.ts where the host allows it). The stand-in
// supports the events listed in FAKE_PERF_SUPPORTED and rejects unknown PMUs like perf does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '@isawatt/common';
import type { ActivitySample, ActivityTarget } from './activity-source.js';
import { PerfStatSource } from './perf-stat.js';

const FAKE_PERF = `#!${process.execPath}
const args = process.argv.slice(2);
const supported = (process.env.FAKE_PERF_SUPPORTED ?? '').split(' ');
const events = args[args.indexOf('-e') + 1].split(',');
if (args.includes('--')) {
  if (events.some((e) => e.startsWith('bogus/'))) {
    process.stderr.write("event syntax error: '" + events.join(',') + "'\\n   Cannot find PMU. Missing kernel support?\\n");
    process.exit(129);
  }
  for (const e of events) process.stderr.write(supported.includes(e) ? '12.5,msec,' + e + ',125,100.00,,\\n' : '<not supported>,,' + e + ',0,100.00,,\\n');
  process.exit(0);
}
const intervalMs = Number(args[args.indexOf('-I') + 1]);
const perCpu = args.includes('-A');
const cgroups = args[args.indexOf('--for-each-cgroup') + 1].split(',');
let k = 0;
process.stderr.write('perf: some warning line\\n');
const timer = setInterval(() => {
  k++;
  const t = (k * intervalMs / 1000).toFixed(9);
  let out = '';
  for (const s of perCpu ? [0, 1, 2, 3] : [null]) {
    cgroups.forEach((cg, ci) => {
      events.forEach((e, ei) => {
        const lead = '     ' + t + (s === null ? '' : ',CPU' + s);
        if (cg.endsWith('idle')) out += lead + ',<not counted>,,' + e + ',' + cg + ',0,100.00,,\\n';
        else if (e === 'task-clock') out += lead + ',' + ((ci + 1) * 10).toFixed(2) + ',msec,' + e + ',' + cg + ',1,100.00,1.0,CPUs utilized\\n';
        else out += lead + ',' + (ci + 1) * 1000 * (ei + 1) + ',,' + e + ',' + cg + ',1,100.00,,\\n';
      });
    });
  }
  process.stderr.write(out);
}, intervalMs);
process.on('SIGINT', () => { clearInterval(timer); process.exit(130); });
`;

async function fakePerf(t: { after: (fn: () => Promise<void>) => void }, supportedEvents: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-perf-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'perf');
  await writeFile(path, FAKE_PERF);
  await chmod(path, 0o755);
  process.env.FAKE_PERF_SUPPORTED = supportedEvents;
  return path;
}

async function sampleUntil(src: PerfStatSource, targets: ActivityTarget[], ok: (s: ActivitySample) => boolean): Promise<ActivitySample> {
  let s = await src.sample(targets, Date.now());
  // The fake perf is a shell script: on a loaded machine its first lines can take seconds.
  const deadline = performance.now() + 30_000;
  while (!ok(s) && performance.now() < deadline) {
    await sleep(20);
    s = await src.sample(targets, Date.now());
  }
  assert.ok(ok(s), 'perf produced complete intervals');
  return s;
}

const UNIFIED = '/sys/fs/cgroup/unified';
const targets: ActivityTarget[] = [
  { name: 'fn-a', cpus: [0], cgroupV2Path: `${UNIFIED}/isawatt/fn-a` },
  { name: 'fn-b', cpus: [1], cgroupV2Path: `${UNIFIED}/isawatt/fn-b` },
  { name: 'fn-idle', cpus: [1], cgroupV2Path: `${UNIFIED}/isawatt/fn-idle` },
  { name: 'v1-only', cpus: [1], cgroupV1Paths: { cpuacct: '/sys/fs/cgroup/cpuacct/x' } },
];

test('hardware counters where supported; per-CPU counts summed by socket and task-clock CPU time per cgroup', async (t) => {
  const perfPath = await fakePerf(t, 'cycles instructions task-clock msr/tsc/');
  const socketOfCpu = new Map([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 1],
  ]);
  const src = new PerfStatSource({ unifiedRoot: '/sys/fs/cgroup/unified', perfPath, intervalMs: 50, socketOfCpu, log: silentLogger() });
  await src.init();
  t.after(() => src.close());
  assert.equal(src.counterKind, 'hardware');
  assert.deepEqual(src.events, ['cycles', 'instructions', 'task-clock']);
  const s = await sampleUntil(src, targets, (x) => x.intervalMs > 0);
  const batches = s.intervalMs / 50;
  assert.ok(Number.isInteger(batches) && batches >= 1);
  const [a, b, idle, v1] = s.targets;
  // fn-a is cgroup index 0: cycles 1000, instructions 2000 per CPU per interval, 10 ms task-clock;
  // two CPUs per socket.
  assert.equal(a?.eventsBySocket.get(0)?.get('cycles'), BigInt(2 * 1000 * batches));
  assert.equal(a?.eventsBySocket.get(1)?.get('instructions'), BigInt(2 * 2000 * batches));
  assert.equal(b?.eventsBySocket.get(1)?.get('cycles'), BigInt(2 * 2000 * batches));
  assert.equal(a?.cpuTimeUs, BigInt(4 * 10_000 * batches));
  assert.equal(idle?.cpuTimeUs, 0n);
  assert.equal(idle?.eventsBySocket.size, 0);
  assert.equal(v1?.eventsBySocket.size, 0);
  assert.match(s.warnings.join('\n'), /v1-only: no cgroup2 directory under \/sys\/fs\/cgroup\/unified for perf -G/);
  // A change of targets restarts perf with the new cgroup list; counts keep flowing.
  const fewer = targets.slice(1, 2);
  const s2 = await sampleUntil(src, fewer, (x) => x.intervalMs > 0);
  assert.equal(s2.targets[0]?.eventsBySocket.get(0)?.get('cycles'), BigInt(2 * 1000 * (s2.intervalMs / 50)), 'fn-b is now cgroup index 0');
});

test('no PMU: falls back to software events and says so; an unknown PMU is probed event by event', async (t) => {
  const perfPath = await fakePerf(t, 'task-clock');
  const src = new PerfStatSource({
    unifiedRoot: '/sys/fs/cgroup/unified',
    perfPath,
    intervalMs: 50,
    softwareEvents: ['task-clock', 'bogus/tsc/'],
    log: silentLogger(),
  });
  await src.init();
  t.after(() => src.close());
  assert.equal(src.counterKind, 'software');
  assert.deepEqual(src.events, ['task-clock']);
  const s = await sampleUntil(src, targets.slice(0, 1), (x) => x.intervalMs > 0);
  assert.match(s.warnings.join('\n'), /perf: software events only \(task-clock\): no hardware counters/);
  assert.equal(s.targets[0]?.cpuTimeUs, BigInt(4 * 10_000 * (s.intervalMs / 50)), 'four CPUs × 10 ms per interval');
  assert.deepEqual([...(s.targets[0]?.eventsBySocket.keys() ?? [])], [0], 'no CPU map: everything on socket 0');
});

test('unusable perf: clear errors', async (t) => {
  const none = await fakePerf(t, '');
  await assert.rejects(
    new PerfStatSource({ unifiedRoot: '/sys/fs/cgroup/unified', perfPath: none, log: silentLogger() }).init(),
    /perf: none of the events cycles, .* is supported/,
  );
  await assert.rejects(
    new PerfStatSource({ unifiedRoot: '/sys/fs/cgroup/unified', perfPath: '/nonexistent/perf', log: silentLogger() }).init(),
    /perf: perf not installed/,
  );
  assert.throws(() => new PerfStatSource({ unifiedRoot: '/sys/fs/cgroup/unified', intervalMs: 5, log: silentLogger() }), /intervalMs must be >= 10/);
});
