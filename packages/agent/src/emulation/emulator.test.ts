import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CppcReader } from '../frequency/cppc-reader.js';
import { RaplPowercapMeter } from '../sensors/rapl-powercap-meter.js';
import { XgeneHwmonMeter } from '../sensors/xgene-hwmon-meter.js';
import { dynamicWPerBusyCpu, workerShare } from './ground-truth.js';
import { hostActivity } from './host-activity.js';
import { Emulator } from './emulator.js';
import { EmulatedTree, emulatedPowerW } from './emulated-tree.js';
import { emulatedHostFacts, factorsOf, getProfile, parseProfile } from './profiles.js';
import { waitUntil } from '../../../../test/helpers/wait-until.js';

const log = silentLogger();

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-emu-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A fake cpuacct subtree: total, per-CPU and per-function usage in ns. */
async function writeUsage(cg: string, totalNs: bigint, perCpuNs: bigint[], children: Record<string, bigint> = {}): Promise<void> {
  await mkdir(cg, { recursive: true });
  await writeFile(join(cg, 'cpuacct.usage'), `${totalNs}\n`);
  await writeFile(join(cg, 'cpuacct.usage_percpu'), `${perCpuNs.join(' ')} \n`);
  for (const [name, ns] of Object.entries(children)) {
    await mkdir(join(cg, name), { recursive: true });
    await writeFile(join(cg, name, 'cpuacct.usage'), `${ns}\n`);
  }
}

test('profiles: unknown name lists the known ones; host facts for Hello', () => {
  assert.throws(() => getProfile('pentium'), /emulate: unknown profile "pentium"; known: altra-max-m128, xeon-gold-5318y-2s, xeon-gold-6130-2s/);
  const paper = emulatedHostFacts('xeon-gold-5318y-2s');
  assert.deepEqual(
    [paper.arch, paper.cpuModel, paper.sockets, paper.physicalCores, paper.logicalCpus],
    ['x86_64', 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz', 2, 48, 96],
  );
  assert.equal(getProfile('xeon-gold-5318y-2s').hostType, 'xeon-gold-5318y');
  assert.equal(getProfile('altra-max-m128').hostType, 'altra-max-m128-30');
  const x = emulatedHostFacts('xeon-gold-6130-2s');
  assert.deepEqual([x.arch, x.sockets, x.physicalCores, x.logicalCpus], ['x86_64', 2, 32, 64]);
  assert.deepEqual([x.socketOfCpu.get(0), x.socketOfCpu.get(16), x.socketOfCpu.get(32), x.socketOfCpu.get(63)], [0, 1, 0, 1]);
  const a = emulatedHostFacts('altra-max-m128');
  assert.deepEqual([a.arch, a.cpuModel, a.logicalCpus], ['aarch64', 'Ampere(R) Altra(R) Max Processor M128-30', 128]);
});

test("host activity: real CPU time / the worker's share = emulated busy CPUs, split by the function's sockets, weighted by power", () => {
  const p = getProfile('xeon-gold-5318y-2s');
  // test-python (speed 1, power 1.5) on emulated CPUs 0 and 24 (sockets 0 and 1); test-node (power 1) on CPU 1.
  const placement = new Map<string, readonly number[]>([
    ['test-python', [0, 24]],
    ['test-node', [1]],
  ]);
  const counts = new Map([
    ['test-python', 2],
    ['test-node', 1],
  ]);
  const share = workerShare(p, 'test-python', counts);
  assert.equal(share, 0.005);
  // 10 ms of real CPU over 1 s for test-python = 2 emulated CPU-seconds; 5 ms for test-node = 1.
  const act = hostActivity(
    p,
    new Map([
      ['test-python', 10_000_000n],
      ['test-node', 5_000_000n],
    ]),
    placement,
    1000,
  );
  assert.deepEqual(
    act.busyCpus.map((b) => +b.toFixed(9)),
    [2, 1],
  );
  assert.deepEqual(
    act.powerWeightedBusyCpus.map((b) => +b.toFixed(9)),
    [2.5, 1.5],
  );
  // Co-location: memory-bound functions slow each other (pagerank 0.9, alexnet 0.7 on the Xeon).
  const alone = workerShare(p, 'pagerank-python', new Map([['pagerank-python', 48]]));
  const bag = workerShare(
    p,
    'pagerank-python',
    new Map([
      ['pagerank-python', 48],
      ['alexnet-python', 48],
    ]),
  );
  assert.equal(alone, 0.005);
  assert.ok(Math.abs(bag - 0.005 / (1 + 0.3 * 0.9 * 0.7 * 0.5)) < 1e-12, `bag share ${bag}`);
});

test("host activity: a burst busier than the function's CPUs is carried into the next ticks, bounded", () => {
  const p = getProfile('xeon-gold-5318y-2s');
  const placement = new Map<string, readonly number[]>([['test-node', [0, 1]]]);
  // A carrier of 2 emulated CPUs (0.5 % each) ran its 20 ms run in one 100 ms tick: 4 emulated
  // CPU-seconds in 0.1 s, 20x what 2 CPUs can do. The tick shows 2 busy CPUs, the rest follows.
  let act = hostActivity(p, new Map([['test-node', 20_000_000n]]), placement, 100);
  assert.deepEqual(act.busyCpus, [2, 0]);
  let total = act.busyCpus[0]! * 0.1;
  for (let i = 0; i < 30 && act.carryNs.size > 0; i++) {
    act = hostActivity(p, new Map([['test-node', 0n]]), placement, 100, act.carryNs);
    total += act.busyCpus[0]! * 0.1;
  }
  // Bounded backlog: at most 1 s of both CPUs carried, so 0.2 + 2 emulated CPU-seconds in all.
  assert.ok(Math.abs(total - 2.2) < 1e-6, `busy CPU-seconds ${total}`);
  assert.equal(act.carryNs.size, 0);
});

test('emulated Xeon: RAPL counters follow cgroup CPU time, meters label them emulated, wrap included', async (t) => {
  const dir = await tempDir(t);
  const sys = join(dir, 'sys');
  const cg = join(dir, 'cgroup', 'cpuacct', 'isawatt');
  const profile = getProfile('xeon-gold-6130-2s');
  let now = 0;
  // Start package counters 10 J below the wrap.
  const placement = new Map([['test-node', [0]]]);
  const emu = new Emulator({
    profile,
    sysfsRoot: sys,
    cgroupRoot: join(dir, 'cgroup'),
    log,
    nowMs: () => now,
    initialEnergyUj: 262143328850n - 10_000_000n,
    placement: () => placement,
  });
  await writeUsage(cg, 0n, [0n, 0n], { 'test-node': 0n });
  await emu.init();
  assert.equal(await readFile(join(sys, 'isawatt-emulated'), 'utf8'), 'xeon-gold-6130-2s\n');
  const meter = new RaplPowercapMeter({ sysfsRoot: sys });
  await meter.init();
  assert.equal(meter.quality, 'emulated');
  assert.deepEqual(
    meter.domains().map((d) => d.domain),
    ['package-0', 'dram-0', 'package-1', 'dram-1'],
  );
  await meter.sample(0);
  // test-node on emulated CPU 0 (socket 0) with 4 ms of real CPU over 1 s: its share is 0.005 x 0.8
  // (speed on this profile) of a real CPU, so that is one emulated CPU busy for the whole second.
  await writeUsage(cg, 4_000_000n, [4_000_000n, 0n], { 'test-node': 4_000_000n });
  now = 1000;
  await emu.tick();
  const s = await meter.sample(1000);
  const w = Object.fromEntries(s.domains.map((d) => [d.domain, d.energyUj]));
  // package-0: 31.25 W idle + 93.75/32 W per busy CPU = 34.1796875 W over 1 s; package-1 idle 31.25 W.
  assert.deepEqual(w, { 'package-0': 34179688n, 'dram-0': 6250000n, 'package-1': 31250000n, 'dram-1': 6000000n });
  assert.equal(emu.tree.wrapCount, 2);
  assert.ok(s.warnings.some((x) => /counter wrapped/.test(x)));
});

test('emulated Altra Max: xgene power and CPPC frequency follow the busy CPUs', async (t) => {
  const dir = await tempDir(t);
  const sys = join(dir, 'sys');
  const cg = join(dir, 'cgroup', 'cpuacct', 'isawatt');
  let now = 0;
  let emuPlacement = new Map<string, number[]>();
  const emu = new Emulator({
    profile: getProfile('altra-max-m128'),
    sysfsRoot: sys,
    cgroupRoot: join(dir, 'cgroup'),
    log,
    nowMs: () => now,
    placement: () => emuPlacement,
  });
  await emu.init();
  const xg = new XgeneHwmonMeter({ sysfsRoot: sys });
  await xg.init();
  assert.equal(xg.quality, 'emulated');
  const cppc = new CppcReader({ sysfsRoot: sys, maxCpusPerSocket: 4, minIntervalMs: 0 });
  await cppc.init();
  await xg.sample(0);
  await cppc.sample(0);
  // No cgroup yet: idle power, frozen CPPC counters.
  now = 1000;
  await emu.tick();
  const idle = await xg.sample(1000);
  assert.deepEqual(
    idle.domains.map((d) => d.energyUj),
    [16280000n, 31900000n],
  );
  assert.equal((await cppc.sample(1000)).mhzBySocket.size, 0);
  // test-node on 64 emulated CPUs, all busy for 0.5 s: 32 emulated CPU-seconds = 32 x 0.004 real
  // CPU-seconds (share 0.005 x speed 0.8): half the cores.
  const placement = new Map([['test-node', Array.from({ length: 64 }, (_, i) => i)]]);
  emuPlacement = placement;
  await writeUsage(cg, 0n, [0n], { 'test-node': 0n });
  now = 1500;
  await emu.tick();
  await writeUsage(cg, 128_000_000n, [128_000_000n], { 'test-node': 128_000_000n });
  now = 2000;
  await emu.tick();
  const busy = await xg.sample(2000);
  // CPU power: 16.28 W, then (0.5 s) 16.28 + 64 × 0.9 × 201.82 / 128 = 107.099 W; trapezoid over 1 s.
  assert.equal(busy.domains[0]?.energyUj, 61689500n);
  assert.deepEqual([...(await cppc.sample(2000)).mhzBySocket], [[0, 3000]]);
});

test('real processes in a real cgroup drive the emulated counters (root with cgroup v1 cpuacct only)', async (t) => {
  const cpuacct = '/sys/fs/cgroup/cpuacct';
  if (process.getuid?.() !== 0 || !existsSync(join(cpuacct, 'cpuacct.usage'))) {
    t.skip('needs root and a cgroup v1 cpuacct hierarchy at /sys/fs/cgroup/cpuacct');
    return;
  }
  const dir = await tempDir(t);
  const rel = `isawatt-emu-test-${process.pid}`;
  const fn = join(cpuacct, rel, 'fn-busy');
  await mkdir(fn, { recursive: true });
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  t.after(async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    await rmdir(fn).catch(() => undefined);
    await rmdir(join(cpuacct, rel)).catch(() => undefined);
  });
  await writeFile(join(fn, 'cgroup.procs'), String(child.pid));
  const emu = new Emulator({
    profile: getProfile('xeon-gold-6130-2s'),
    sysfsRoot: join(dir, 'sys'),
    cgroupRoot: '/sys/fs/cgroup',
    cgroupPath: `cpuacct/${rel}`,
    log,
  });
  await emu.init();
  // Wait until the busy loop has really run for a while in its cgroup since the baseline (on a
  // loaded machine it may get no CPU for a second), not for a time that stands for it.
  const usageNs = async (): Promise<bigint> => BigInt((await readFile(join(fn, 'cpuacct.usage'), 'utf8')).trim());
  const base = await usageNs();
  await waitUntil('the busy loop to use 200 ms of CPU time', async () => (await usageNs()) - base >= 200_000_000n, 60_000, 50);
  await emu.tick();
  const busy = emu.lastBusyCpus.reduce((a, b) => a + b, 0);
  // An unthrottled busy loop: one real CPU is 250 emulated CPUs at this profile's share (0.005 x 0.8),
  // so the emulated sockets saturate (capped at their 64 CPUs); more than nothing even on a loaded machine.
  assert.ok(busy > 0 && busy <= 64 + 1e-9, `busy CPUs ${busy}`);
  const pkg = await readFile(join(dir, 'sys', 'class/powercap/intel-rapl:0/energy_uj'), 'utf8');
  assert.ok(BigInt(pkg.trim()) > 0n);
});

test("the paper's pair shows the paper's finding: 21 of 22 functions better on ARM in performance or energy, one on x86 in both", () => {
  const x = getProfile('xeon-gold-5318y-2s');
  const a = getProfile('altra-max-m128');
  const workload = [...x.functions.keys()].filter((n) => !n.startsWith('test-'));
  assert.equal(workload.length, 22);
  let armBetter = 0;
  const x86Both: string[] = [];
  for (const fn of workload) {
    const fx = factorsOf(x, fn);
    const fa = factorsOf(a, fn);
    const perf = fx.speed / fa.speed; // executions per second per core, x86 / ARM
    const energy = (dynamicWPerBusyCpu(x) * fx.power * fa.speed) / (dynamicWPerBusyCpu(a) * fa.power * fx.speed); // J per execution, x86 / ARM
    if (perf < 1 || energy > 1) armBetter++;
    if (perf > 1 && energy < 1) x86Both.push(fn);
    assert.ok(a.functions.has(fn), `${fn} listed on the Altra Max too`);
  }
  assert.equal(armBetter, 21);
  assert.deepEqual(x86Both, ['alexnet-python']);
  // Some functions fluctuate under co-location: they are memory-bound.
  assert.ok(workload.filter((fn) => factorsOf(x, fn).memoryBound >= 0.5).length >= 3);
});

test('a bad profile file is a config error naming the file and every bad field', () => {
  const bad =
    'name: Bad Name\nillustrative: false\nbasis: x\nmachine: { arch: sparc, cpuModel: x, sockets: 0, coresPerSocket: 1, threadsPerCore: 1 }\nenergy: { kind: rapl }\nemulatedCore: { realCpuShare: 2 }\ninterference: { strength: 0 }\nfunctions: { f: { speed: -1, power: 1, memoryBound: 0 } }\n';
  assert.throws(
    () => parseProfile(bad, 'bad.yaml'),
    (err: Error) => {
      const m = err.message;
      for (const field of [
        'name',
        'illustrative',
        'machine.arch',
        'machine.sockets',
        'energy.packageIdleW',
        'emulatedCore.realCpuShare',
        'functions.f.speed',
        'functions',
      ])
        assert.match(m, new RegExp(`bad\\.yaml: ${field.replace(/\./g, '\\.')}:`), `${field} in ${m}`);
      return true;
    },
  );
  assert.throws(() => parseProfile('{', 'broken.yaml'), /broken\.yaml: not valid YAML/);
});

test('emulated Altra Max: the power files hold the mean over the agent tick, not the last burst', async (t) => {
  const dir = await tempDir(t);
  const p = getProfile('altra-max-m128');
  const read = async (tree: EmulatedTree): Promise<number> =>
    Number(await readFile(join(tree.root, 'devices/platform/APMC0D29:00/hwmon/hwmon0/power1_input'), 'utf8'));
  const burst = new EmulatedTree(join(dir, 'window'), p, 1000);
  const last = new EmulatedTree(join(dir, 'last'), p);
  for (const tree of [burst, last]) {
    await tree.create();
    // A CFS burst: 64 busy CPUs for one 100 ms interval of ten, then idle.
    for (let k = 0; k < 10; k++) await tree.advance([k === 3 ? 64 : 0], 100);
  }
  const cpuW = (busy: number): number => emulatedPowerW(p, [busy]).bySocket[0]?.cpu ?? 0;
  // Mean over the last second: 6.4 busy CPUs (1 mW resolution, in µW).
  assert.equal(await read(burst), Math.round(cpuW(6.4) * 1000) * 1000);
  // Without the window the reading is the last interval's: idle, the burst unseen.
  assert.equal(await read(last), Math.round(cpuW(0) * 1000) * 1000);
  // Older intervals leave the window.
  for (let k = 0; k < 10; k++) await burst.advance([2], 100);
  assert.equal(await read(burst), Math.round(cpuW(2) * 1000) * 1000);
});
