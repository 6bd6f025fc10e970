// Energy and counts must cover the same seconds. hwpc-sensor releases a tick's counts one or two
// seconds after the tick; pairing them with the energy the agent measured over its own (later) tick
// mixes two different seconds. Known ground truth: two functions whose power changes every second
// (known linear models of their event counts) plus 30 W idle; the real TelemetryMonitor, the real
// HwpcReportSource (reports in hwpc-sensor's format, each tick delivered 1-2 s late, in order) and
// the real SmartWatts attributor. Per-function dynamic energy after warm-up must be within 5 % of the
// truth when the monitor lines the energy up with the sensor's ticks, both with the sensor's own
// RAPL group and with the meter's energy interpolated over the sensor's span; the naive pairing is
// measured too and must be clearly worse (it is what the alignment fixes).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '@isawatt/common';
import { SmartWattsAttributor } from '../../packages/agent/src/attribution/smartwatts.js';
import type { ActivitySample, ActivitySource, ActivityTarget } from '../../packages/agent/src/counters/activity-source.js';
import { HwpcReportSource } from '../../packages/agent/src/counters/hwpc-report-source.js';
import type { FunctionRuntime } from '../../packages/agent/src/runtime/function-runtime.js';
import type { EnergyMeter, MeterSample } from '../../packages/agent/src/sensors/energy-meter.js';
import type { Clock } from '../../packages/agent/src/telemetry/clock.js';
import { TelemetryMonitor } from '../../packages/agent/src/telemetry/monitor.js';

const BASE = '/sys/fs/cgroup/unified/isawatt-test';
const FNS = ['fn-a', 'fn-b'] as const;
const COEF_W = { cycles: 1.2e-8, instructions: 0.4e-8 }; // W per event/s: the hidden truth
const IDLE_W = 30;
const TICKS = 200;
const WARM = 110;

class StepClock implements Clock {
  mono = 1000;
  wall = 1_767_225_600_000;
  readonly nowMs = (): number => this.wall;
  readonly monotonicMs = (): number => this.mono;
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
}

/** The host's true energy over each agent tick (RAPL-like), set by the test before each tick. */
class TruthMeter implements EnergyMeter {
  readonly kind = 'rapl';
  readonly quality = 'measured' as const;
  nextUj = 0n;
  init(): Promise<void> {
    return Promise.resolve();
  }
  domains(): [] {
    return [];
  }
  sample(nowMs: number): Promise<MeterSample> {
    const e = this.nextUj;
    this.nextUj = 0n;
    return Promise.resolve({
      timestampMs: nowMs,
      intervalMs: 1000,
      domains: [{ domain: 'package-0', socket: 0, inHostTotal: true, energyUj: e, powerW: Number(e) / 1e6 }],
      warnings: [],
    });
  }
}

/** Records the span of every sample, to know which seconds each snapshot's energy covers. */
class SpanRecorder implements ActivitySource {
  readonly kind = 'hwpc-sensor';
  spans: ({ startMs: number; endMs: number } | undefined)[] = [];
  constructor(private readonly inner: HwpcReportSource) {}
  init(): Promise<void> {
    return Promise.resolve();
  }
  async sample(targets: readonly ActivityTarget[], nowMs: number): Promise<ActivitySample> {
    const s = await this.inner.sample(targets, nowMs);
    this.spans.push(s.spanMs);
    return s;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function report(ts: number, target: string, groups: Record<string, Record<string, Record<string, Record<string, bigint>>>>): string {
  return JSON.stringify({ timestamp: ts, sensor: 'truth-node', target, groups }, (_k, v: unknown) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(
    /"@@(\d+)@@"/g,
    '$1',
  );
}

interface RunTotals {
  /** Each function's relative error of dynamic energy after warm-up. */
  readonly errors: Map<string, number>;
  /** Σ interval of the published snapshots, ms, and the time the run lasted, ms. */
  readonly publishedMs: number;
  readonly elapsedMs: number;
  /** Σ idle energy of the published snapshots after warm-up / (idle W x their Σ interval). */
  readonly idleRatio: number;
}

/**
 * One run. `delivery`: "late" hands each sensor tick over 1-2 s late, in order; "bursts" hands
 * them over every 4 s only (as an emulated sensor stream under load does), so that most agent
 * ticks see no complete sensor tick at all (the run is then longer: SmartWatts fits its intercept
 * once its 60-sample history is full, and there are a third as many published snapshots).
 */
async function run(
  t: { after(fn: () => unknown): void },
  mode: 'sensor-rapl' | 'meter-interpolated',
  align: boolean,
  delivery: 'late' | 'bursts' = 'late',
): Promise<RunTotals> {
  const ticks = delivery === 'bursts' ? 400 : TICKS;
  const warm = delivery === 'bursts' ? 250 : WARM;
  const proc = mkdtempSync(join(tmpdir(), 'isawatt-align-'));
  t.after(() => rmSync(proc, { recursive: true, force: true }));
  writeFileSync(join(proc, 'stat'), 'cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n');
  const clock = new StepClock();
  const source = new HwpcReportSource({ cgroupBasePath: BASE, csvDirectory: proc, timeSemantics: 'delta', cpuBaseFreqMhz: 2100, log: silentLogger() });
  const activity = new SpanRecorder(source);
  const meter = new TruthMeter();
  const targets: ActivityTarget[] = FNS.map((name, i) => ({ name, cpus: [i], cgroupV2Path: `${BASE}/${name}` }));
  const runtime: FunctionRuntime = {
    pinning: 'cgroup-v1-cpuset',
    catalogue: () => [],
    apply: () => Promise.resolve({ ok: true, placements: [] }),
    runningVersion: () => 1n,
    placements: () => [],
    activityTargets: () => targets,
    takeInvocationFigures: () => new Map(),
    close: () => Promise.resolve(),
  };
  const monitor = new TelemetryMonitor({
    procfsRoot: proc,
    intervalMs: 1000,
    log: silentLogger(),
    socketOfCpu: new Map([
      [0, 0],
      [1, 0],
    ]),
    meter,
    activity,
    attributor: new SmartWattsAttributor(),
    runtime,
    clock,
    alignEnergyToActivity: align,
  });
  await monitor.init();

  let seed = 7;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const truthBySecond = new Map<number, Map<string, number>>(); // sensor ts -> fn -> dynamic W
  const pending: { at: number; lines: string[] }[] = [];
  let lastDelivery = 0;
  const truth = new Map<string, number>();
  const got = new Map<string, number>();
  let publishedMs = 0;
  let idleUj = 0;
  let idleSpanMs = 0;
  for (let k = 1; k <= ticks; k++) {
    clock.advance(1000);
    const ts = clock.wall;
    // Second k: each function's activity (and so its power) changes every second.
    const lines: string[] = [];
    const dyn = new Map<string, number>();
    let hostW = IDLE_W;
    FNS.forEach((fn, i) => {
      const cycles = Math.round((0.05 + 0.95 * rnd()) * 2.9e9);
      const instructions = Math.round(cycles * (i === 0 ? 0.8 : 2.6) * (0.8 + 0.4 * rnd()));
      const w = cycles * COEF_W.cycles + instructions * COEF_W.instructions;
      dyn.set(fn, w);
      hostW += w;
      const runNs = BigInt(Math.round((cycles / 2.9e9) * 1e9));
      lines.push(
        report(ts, `/${fn}`, {
          core: {
            0: { [i]: { time_enabled: runNs, time_running: runNs, CPU_CLK_THREAD_UNHALTED: BigInt(cycles), INSTRUCTIONS_RETIRED: BigInt(instructions) } },
          },
        }),
      );
    });
    truthBySecond.set(ts, dyn);
    const all: Record<string, Record<string, Record<string, Record<string, bigint>>>> = {
      msr: { 0: { 0: { time_enabled: 1_000_000_000n, time_running: 1_000_000_000n, APERF: 2_800_000_000n, MPERF: 2_100_000_000n } } },
    };
    if (mode === 'sensor-rapl')
      all.rapl = { 0: { 0: { time_enabled: 1_000_000_000n, time_running: 1_000_000_000n, RAPL_ENERGY_PKG: BigInt(Math.round(hostW * 2 ** 32)) } } };
    lines.push(report(ts, 'all', all));
    meter.nextUj = BigInt(Math.round(hostW * 1e6));
    // hwpc-sensor hands tick k over 1 or 2 s later, in order.
    lastDelivery = Math.max(lastDelivery, k + (rnd() < 0.5 ? 1 : 2));
    if (delivery === 'bursts') lastDelivery = Math.ceil((k + 1) / 3) * 3;
    pending.push({ at: lastDelivery, lines });
    while (pending.length > 0 && (pending[0]?.at ?? Infinity) <= k) for (const l of pending.shift()?.lines ?? []) source.ingestJsonLine(l, 'test');

    const snap = await monitor.tick();
    const span = activity.spans[activity.spans.length - 1];
    if (snap === undefined) continue; // held: its seconds come with the span that covers them
    publishedMs += snap.intervalMs;
    if (k >= warm && snap.attribution === 'smartwatts') {
      idleUj += Number(snap.idleEnergyUj);
      idleSpanMs += snap.intervalMs;
    }
    if (k < warm || snap.attribution !== 'smartwatts' || span === undefined) continue;
    // The truth of the seconds this snapshot's energy covers (aligned), the sensor ticks in its span.
    for (const [sec, d] of truthBySecond) {
      if (sec <= span.startMs || sec > span.endMs) continue;
      for (const fn of FNS) truth.set(fn, (truth.get(fn) ?? 0) + (d.get(fn) ?? 0) * 1e6);
    }
    for (const f of snap.functions) got.set(f.function, (got.get(f.function) ?? 0) + Number(f.dynamicEnergyUj));
  }
  await monitor.shutdown();
  return {
    errors: new Map(FNS.map((fn) => [fn, Math.abs((got.get(fn) ?? 0) - (truth.get(fn) ?? 1)) / (truth.get(fn) ?? 1)])),
    publishedMs,
    elapsedMs: ticks * 1000,
    idleRatio: idleUj / (IDLE_W * 1000 * idleSpanMs),
  };
}

for (const mode of ['sensor-rapl', 'meter-interpolated'] as const) {
  test(`hwpc counts 1-2 s late: energy lined up with the sensor's ticks (${mode}) is within 5 % of the truth; naive pairing is not`, async (t) => {
    const aligned = (await run(t, mode, true)).errors;
    const naive = (await run(t, mode, false)).errors;
    for (const fn of FNS)
      t.diagnostic(`${mode} ${fn}: aligned ${(100 * (aligned.get(fn) ?? 1)).toFixed(2)} % off, naive ${(100 * (naive.get(fn) ?? 1)).toFixed(2)} % off`);
    for (const fn of FNS) assert.ok((aligned.get(fn) ?? 1) < 0.05, `${fn} aligned: ${(100 * (aligned.get(fn) ?? 1)).toFixed(2)} %`);
    const worstNaive = Math.max(...FNS.map((fn) => naive.get(fn) ?? 0));
    assert.ok(worstNaive > 0.1, `naive pairing should be off by > 10 % for some function, worst ${(100 * worstNaive).toFixed(2)} %`);
  });
}

for (const mode of ['sensor-rapl', 'meter-interpolated'] as const) {
  test(`hwpc counts in 3 s bursts (${mode}): ticks without counts are held, not published as idle; no second counted twice`, async (t) => {
    const r = await run(t, mode, true, 'bursts');
    for (const fn of FNS) t.diagnostic(`${mode} ${fn}: ${(100 * (r.errors.get(fn) ?? 1)).toFixed(2)} % off`);
    t.diagnostic(`published ${r.publishedMs} ms over ${r.elapsedMs} ms; idle ${(100 * (r.idleRatio - 1)).toFixed(2)} % off`);
    for (const fn of FNS) assert.ok((r.errors.get(fn) ?? 1) < 0.05, `${fn}: ${(100 * (r.errors.get(fn) ?? 1)).toFixed(2)} %`);
    // A tick published without counts would hand its whole energy to idle, and its seconds would
    // come again with the span that covers them. (Before the first span, ticks carry their own
    // energy: the first span overlaps them by at most a sensor tick or two.)
    assert.ok(r.publishedMs <= r.elapsedMs + 2000, `snapshots cover ${r.publishedMs} ms of a ${r.elapsedMs} ms run`);
    assert.ok(Math.abs(r.idleRatio - 1) < 0.05, `idle energy ${(100 * (r.idleRatio - 1)).toFixed(2)} % off the idle power`);
  });
}
