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
import { busyCpusBySocket } from './cgroup-usage.js';
import { Emulator } from './emulator.js';
import { emulatedHostFacts, getProfile } from './profiles.js';

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
  assert.throws(() => getProfile('pentium'), /emulate: unknown profile "pentium"; known: xeon-gold-5318y-2s, xeon-gold-6130-2s, altra-max-m128/);
  const y = emulatedHostFacts('xeon-gold-5318y-2s');
  assert.deepEqual([y.arch, y.cpuModel, y.sockets, y.physicalCores, y.logicalCpus], ['x86_64', 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz', 2, 48, 96]);
  const x = emulatedHostFacts('xeon-gold-6130-2s');
  assert.deepEqual([x.arch, x.sockets, x.physicalCores, x.logicalCpus], ['x86_64', 2, 32, 64]);
  assert.deepEqual([x.socketOfCpu.get(0), x.socketOfCpu.get(16), x.socketOfCpu.get(32), x.socketOfCpu.get(63)], [0, 1, 0, 1]);
  const a = emulatedHostFacts('altra-max-m128');
  assert.deepEqual([a.arch, a.cpuModel, a.logicalCpus], ['aarch64', 'Ampere(R) Altra(R) Max Processor M128-30', 128]);
});

test('busy CPUs per socket: real CPU i counts for socket i mod sockets; function factors weight CPU time', () => {
  const prev = { totalNs: 0n, perCpuNs: [0n, 0n], childrenNs: new Map([['fn-a', 0n]]) };
  const cur = { totalNs: 2_000_000_000n, perCpuNs: [1_500_000_000n, 500_000_000n], childrenNs: new Map([['fn-a', 1_000_000_000n]]) };
  assert.deepEqual(busyCpusBySocket(prev, cur, 1000, 2, {}), [1.5, 0.5]);
  // fn-a draws 1.5× per busy core: 2 s + 0.5 × 1 s = 2.5 CPU-seconds, split 75 / 25.
  assert.deepEqual(busyCpusBySocket(prev, cur, 1000, 2, { 'fn-a': 1.5 }), [1.875, 0.625]);
  assert.deepEqual(busyCpusBySocket(prev, undefined, 1000, 2, {}), [0, 0]);
});

test('emulated Xeon: RAPL counters follow cgroup CPU time, meters label them emulated, wrap included', async (t) => {
  const dir = await tempDir(t);
  const sys = join(dir, 'sys');
  const cg = join(dir, 'cgroup', 'cpuacct', 'isawatt');
  const profile = getProfile('xeon-gold-6130-2s');
  let now = 0;
  // Start package counters 10 J below the wrap.
  const emu = new Emulator({ profile, sysfsRoot: sys, cgroupRoot: join(dir, 'cgroup'), log, nowMs: () => now, initialEnergyUj: 262143328850n - 10_000_000n });
  await writeUsage(cg, 0n, [0n, 0n]);
  await emu.init();
  assert.equal(await readFile(join(sys, 'isawatt-emulated'), 'utf8'), 'xeon-gold-6130-2s\n');
  const meter = new RaplPowercapMeter({ sysfsRoot: sys });
  await meter.init();
  assert.equal(meter.quality, 'emulated');
  assert.deepEqual(meter.domains().map((d) => d.domain), ['package-0', 'dram-0', 'package-1', 'dram-1']);
  await meter.sample(0);
  // One busy CPU on real CPU 0 (emulated socket 0) for 1 s.
  await writeUsage(cg, 1_000_000_000n, [1_000_000_000n, 0n]);
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
  const emu = new Emulator({ profile: getProfile('altra-max-m128'), sysfsRoot: sys, cgroupRoot: join(dir, 'cgroup'), log, nowMs: () => now });
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
  assert.deepEqual(idle.domains.map((d) => d.energyUj), [16280000n, 31900000n]);
  assert.equal((await cppc.sample(1000)).mhzBySocket.size, 0);
  // 64 busy CPU-seconds over 1 s: half the cores.
  await writeUsage(cg, 0n, [0n]);
  now = 1500;
  await emu.tick();
  await writeUsage(cg, 32_000_000_000n, [32_000_000_000n]);
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
  const emu = new Emulator({ profile: getProfile('xeon-gold-6130-2s'), sysfsRoot: join(dir, 'sys'), cgroupPath: `cpuacct/${rel}`, log });
  await emu.init();
  await new Promise((r) => setTimeout(r, 1000));
  await emu.tick();
  const busy = emu.lastBusyCpus.reduce((a, b) => a + b, 0);
  // One shell busy loop: at most one CPU, and more than nothing even on a heavily loaded machine.
  assert.ok(busy > 0 && busy <= 1.05, `busy CPUs ${busy}`);
  const pkg = await readFile(join(dir, 'sys', 'class/powercap/intel-rapl:0/energy_uj'), 'utf8');
  assert.ok(BigInt(pkg.trim()) > 0n);
});
