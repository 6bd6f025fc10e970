// hwpc-sensor reports -> per-function power: a fake sensor streams 100 ticks of hwpc-sensor <= 1.6.0
// socket output (cumulative time fields) over TCP; the real HwpcReportSource ingests them and the
// real SmartWatts attributor turns them into per-function energy, using the sensor's own RAPL
// energy and APERF/MPERF frequency. The counts follow known per-function power models, so after the
// warm-up each function's energy must be within 5 % of the truth (RAPL carries ±0.5 W of noise),
// and every tick conserves energy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '@isawatt/common';
import { HwpcReportSource } from '../../packages/agent/src/counters/hwpc-report-source.js';
import type { ActivityTarget } from '../../packages/agent/src/counters/activity-source.js';
import { SmartWattsAttributor } from '../../packages/agent/src/attribution/smartwatts.js';
import type { DomainSample } from '../../packages/agent/src/sensors/energy-meter.js';

const BASE = '/sys/fs/cgroup/perf_event';
const EVENTS = ['CPU_CLK_THREAD_UNHALTED:THREAD_P', 'INSTRUCTIONS_RETIRED', 'LLC_MISSES'];
const COEF_W_PER_EVENT_S = [2.0e-9, 0.7e-9, 3.0e-7]; // the hidden truth
const IDLE_W = [35, 28];
const FNS = [
  { name: 'resize', target: '/fnpool.slice/fn-resize.scope', socket: 0, cpu: 0, ipc: 1.2, mpki: 8 },
  { name: 'jwt', target: '/fnpool.slice/fn-jwt.scope', socket: 0, cpu: 1, ipc: 2.4, mpki: 0.5 },
  { name: 'matmul', target: '/fnpool.slice/fn-matmul.scope', socket: 1, cpu: 28, ipc: 3.1, mpki: 2 },
];
const CPUS: Record<number, number[]> = { 0: [0, 1], 1: [28, 29] };

test('hwpc-sensor stream -> SmartWatts per-function energy within 5 % of the truth', async (t) => {
  const src = new HwpcReportSource({ listen: { host: '127.0.0.1', port: 0 }, cgroupBasePath: BASE, timeSemantics: 'auto', log: silentLogger() });
  await src.init();
  t.after(() => src.close());
  const sock: Socket = connect(src.address()?.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  t.after(() => sock.destroy());

  const targets: ActivityTarget[] = FNS.map((f) => ({ name: f.name, cpus: [f.cpu], cgroupV1Paths: { perf_event: `${BASE}${f.target}` } }));
  const attributor = new SmartWattsAttributor();
  let seed = 99;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const cumulative = new Map<string, bigint>(); // time baselines of a sensor that has run for days
  const cum = (key: string, add: bigint): bigint => {
    const v = (cumulative.get(key) ?? 9_100_000_000_000_000n) + add;
    cumulative.set(key, v);
    return v;
  };
  const truthW = new Map<number, Map<string, number>>();
  const truth = new Map<string, number>();
  const got = new Map<string, number>();
  let sent = 0;
  let warm = -1;
  const t0 = 1_767_225_600_000;

  for (let k = 0; k < 100; k++) {
    const ts = t0 + k * 1000;
    const lines: string[] = [];
    const power = [IDLE_W[0] ?? 0, IDLE_W[1] ?? 0];
    const dyn = new Map<string, number>();
    for (const f of FNS) {
      const cycles = Math.round((0.1 + 0.9 * rnd()) * 2.9e9);
      const instr = Math.round(cycles * f.ipc * (0.8 + 0.4 * rnd()));
      const misses = Math.round((instr / 1000) * f.mpki * (0.6 + 0.8 * rnd()));
      const counts = [cycles, instr, misses];
      const p = counts.reduce((s, c, i) => s + c * (COEF_W_PER_EVENT_S[i] ?? 0), 0);
      dyn.set(f.name, p);
      power[f.socket] = (power[f.socket] ?? 0) + p;
      const runNs = BigInt(Math.round((cycles / 2.9e9) * 1e9));
      const core: Record<string, Record<string, Record<string, bigint>>> = {};
      for (const s of [0, 1]) {
        core[s] = {};
        for (const c of CPUS[s] ?? []) {
          const mine = c === f.cpu;
          const te = cum(`${f.target}/${c}/te`, mine ? runNs : 0n);
          const tr = cum(`${f.target}/${c}/tr`, mine ? runNs : 0n);
          const row: Record<string, bigint> = { time_enabled: te, time_running: tr };
          EVENTS.forEach((e, i) => (row[e] = mine ? BigInt(counts[i] ?? 0) : 0n));
          (core[s] ?? {})[c] = row;
        }
      }
      lines.push(report(ts, f.target, { core }));
    }
    truthW.set(ts, dyn);
    const rapl: Record<string, Record<string, Record<string, bigint>>> = {};
    const msr: Record<string, Record<string, Record<string, bigint>>> = {};
    for (const s of [0, 1]) {
      const first = CPUS[s]?.[0] ?? 0;
      rapl[s] = {
        [first]: {
          time_enabled: cum(`rapl${s}`, 1_000_000_000n),
          time_running: cum(`raplr${s}`, 1_000_000_000n),
          RAPL_ENERGY_PKG: BigInt(Math.round(((power[s] ?? 0) + (rnd() - 0.5)) * 2 ** 32)),
        },
      };
      // APERF/MPERF: socket 0 at 2900 MHz, socket 1 at 2200 MHz (base 2100).
      msr[s] = {};
      for (const c of CPUS[s] ?? []) {
        (msr[s] ?? {})[c] = {
          time_enabled: cum(`msr${c}`, 1_000_000_000n),
          time_running: cum(`msrr${c}`, 1_000_000_000n),
          TSC: 2_100_000_000n,
          APERF: s === 0 ? 2_950_000_000n : 2_230_000_000n,
          MPERF: 2_100_000_000n,
        };
      }
    }
    lines.push(report(ts, 'all', { rapl, msr }));
    sock.write(lines.join('\n') + '\n');
    sent += lines.length;
    const deadline = performance.now() + 30_000; // generous: a loaded 2-CPU machine
    while (src.stats().reports < sent && performance.now() < deadline) await sleep(5);
    assert.equal(src.stats().reports, sent, `tick ${k}: all reports ingested`);

    const sample = await src.sample(targets, ts);
    if (sample.intervalMs === 0) continue; // the first tick waits for a later one
    const domains: DomainSample[] = [...(sample.hostEnergyUjBySocket ?? [])].map(([s, e]) => ({
      domain: `package-${s}`,
      socket: s,
      inHostTotal: true,
      energyUj: e,
      powerW: Number(e) / 1000 / sample.intervalMs,
    }));
    const hostEnergyUj = domains.reduce((a, d) => a + d.energyUj, 0n);
    const r = attributor.attribute({
      timestampMs: ts,
      intervalMs: sample.intervalMs,
      hostEnergyUj,
      hostQuality: 'measured',
      domains,
      activity: sample,
      cpuUtilization: 0.5,
      frequencyMhzBySocket: sample.frequencyMhzBySocket ?? new Map(),
      socketOfCpu: new Map([0, 1, 28, 29].map((c) => [c, c < 28 ? 0 : 1])),
    });
    assert.equal(r.functions.reduce((a, f) => a + f.dynamicEnergyUj, 0n) + r.idleEnergyUj, hostEnergyUj, `tick ${k}: conservation`);
    if (warm < 0) {
      if ([...attributor.models().values()].every((m) => m.model?.withIntercept === true) && r.method === 'smartwatts') warm = k;
      continue;
    }
    // The sample released the previous sensor tick.
    const dynW = truthW.get(ts - 1000);
    assert.ok(dynW !== undefined);
    for (const f of r.functions) {
      truth.set(f.name, (truth.get(f.name) ?? 0) + (dynW.get(f.name) ?? 0) * 1e6);
      got.set(f.name, (got.get(f.name) ?? 0) + Number(f.dynamicEnergyUj));
    }
  }
  assert.ok(warm > 0 && warm < 80, `warm-up ended at tick ${warm}`);
  assert.ok([...attributor.models().keys()].sort().join() === '0:2900,1:2200', `layers ${[...attributor.models().keys()].join()}`);
  for (const f of FNS) {
    const err = Math.abs((got.get(f.name) ?? 0) - (truth.get(f.name) ?? 1)) / (truth.get(f.name) ?? 1);
    t.diagnostic(`${f.name}: ${(100 * err).toFixed(2)} % off the truth`);
    assert.ok(err < 0.05, `${f.name}: ${(100 * err).toFixed(2)} %`);
  }
});

function report(ts: number, target: string, groups: Record<string, Record<string, Record<string, Record<string, bigint>>>>): string {
  // Integers as JSON integers (hwpc-sensor writes uint64), never through a double.
  return JSON.stringify({ timestamp: ts, sensor: 'xeon-node-07', target, groups }, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(
    /"@@(\d+)@@"/g,
    '$1',
  );
}
