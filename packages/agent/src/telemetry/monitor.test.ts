import { silentLogger } from '@isawatt/common';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Attributor } from '../attribution/attributor.js';
import type { FrequencyReader } from '../frequency/frequency-reader.js';
import type { FunctionRuntime, PlacementInfo } from '../runtime/function-runtime.js';
import type { EnergyDomainInfo, EnergyMeter, MeterSample } from '../sensors/energy-meter.js';
import type { Clock } from './clock.js';
import { TelemetryMonitor, type ProcessFigures } from './monitor.js';
import type { InvocationFigures, TickSnapshot } from './snapshot.js';

/** A tick these tests expect to be published (none of their sources holds a tick). */
async function published(m: TelemetryMonitor): Promise<TickSnapshot> {
  const s = await m.tick();
  assert.ok(s, 'tick was held');
  return s;
}

function procDir(t: { after(fn: () => void): void }): { root: string; writeStat: (busy: number, idle: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'isawatt-monitor-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const writeStat = (busy: number, idle: number): void => {
    // Two CPUs; CPU 1 does all the work.
    writeFileSync(join(root, 'stat'), `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 0 0 0 ${idle / 2} 0 0 0 0 0 0\ncpu1 ${busy} 0 0 ${idle / 2} 0 0 0 0 0 0\n`);
  };
  writeStat(0, 0);
  return { root, writeStat };
}

class StepClock implements Clock {
  mono = 1000;
  wall = 1_764_201_600_000;
  readonly nowMs = (): number => this.wall;
  readonly monotonicMs = (): number => this.mono;
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
}

const proc: ProcessFigures = {
  cpuTimeUs: (() => {
    let n = 0n;
    return () => (n += 1500n);
  })(),
  rssBytes: () => 50_000_000,
};

/** A meter whose energy per sample the test sets: package-0 counts, core-0 overlaps (not in total). */
class ScriptedMeter implements EnergyMeter {
  readonly kind = 'rapl';
  readonly quality = 'measured' as const;
  nextUj = 0n;
  fail = false;
  calls = 0;
  init(): Promise<void> {
    return Promise.resolve();
  }
  domains(): readonly EnergyDomainInfo[] {
    return [];
  }
  sample(nowMs: number): Promise<MeterSample> {
    this.calls++;
    if (this.fail) return Promise.reject(new Error('EIO'));
    return Promise.resolve({
      timestampMs: nowMs,
      intervalMs: 1000,
      domains: [
        { domain: 'package-0', socket: 0, inHostTotal: true, energyUj: this.nextUj, powerW: Number(this.nextUj) / 1e6 },
        { domain: 'core-0', socket: 0, inHostTotal: false, energyUj: this.nextUj / 2n, powerW: 0 },
      ],
      warnings: [],
    });
  }
}

function runtimeWith(placements: PlacementInfo[], figures: Map<string, InvocationFigures>): FunctionRuntime {
  return {
    pinning: 'cgroup-v1-cpuset',
    catalogue: () => [],
    apply: () => Promise.resolve({ ok: true, placements: [] }),
    runningVersion: () => 7n,
    placements: () => placements,
    activityTargets: () => [],
    takeInvocationFigures: () => {
      const out = new Map(figures);
      figures.clear();
      return out;
    },
    close: () => Promise.resolve(),
  };
}

test('without a meter: host energy 0, quality estimated, source none; utilisation from proc/stat', async (t) => {
  const { root, writeStat } = procDir(t);
  const clock = new StepClock();
  const m = new TelemetryMonitor({ procfsRoot: root, intervalMs: 1000, log: silentLogger(), socketOfCpu: new Map(), clock, processFigures: proc });
  await m.init();
  const seen: TickSnapshot[] = [];
  m.on('snapshot', (s) => seen.push(s));
  writeStat(300, 700);
  clock.advance(1000);
  const s1 = await published(m);
  assert.equal(s1.seq, 1n);
  assert.equal(s1.intervalMs, 1000);
  assert.equal(s1.cpuUtilization, 0.3);
  assert.deepEqual(s1.cpuUtilizationPerCpu, [0, 300 / 650]);
  assert.equal(s1.hostEnergyUj, 0n);
  assert.equal(s1.hostQuality, 'estimated');
  assert.equal(s1.energySource, 'none');
  assert.equal(s1.attribution, 'none');
  assert.equal(s1.idleEnergyUj, 0n);
  assert.equal(s1.agentCpuTimeUs, 1500n);
  assert.equal(s1.agentRssBytes, 50_000_000);
  assert.ok(Object.isFrozen(s1) && Object.isFrozen(s1.cpuUtilizationPerCpu));
  clock.advance(500);
  const s2 = await published(m);
  assert.equal(s2.seq, 2n);
  assert.equal(s2.intervalMs, 500);
  assert.equal(s2.cpuUtilization, 0, 'no jiffies passed');
  assert.deepEqual(
    seen.map((s) => s.seq),
    [1n, 2n],
  );
  assert.equal(m.snapshot(), s2);
});

test('with a meter: only in-host-total domains are summed; a failing meter degrades to source none', async (t) => {
  const { root } = procDir(t);
  const clock = new StepClock();
  const meter = new ScriptedMeter();
  const m = new TelemetryMonitor({ procfsRoot: root, intervalMs: 1000, log: silentLogger(), socketOfCpu: new Map(), clock, processFigures: proc, meter });
  await m.init();
  assert.equal(meter.calls, 1, 'baseline sample at init');
  meter.nextUj = 45_000_000n;
  clock.advance(1000);
  const s = await published(m);
  assert.equal(s.hostEnergyUj, 45_000_000n);
  assert.equal(s.hostPowerW, 45);
  assert.equal(s.hostQuality, 'measured');
  assert.equal(s.energySource, 'rapl');
  assert.deepEqual(
    s.domains.map((d) => [d.domain, d.inHostTotal, d.quality]),
    [
      ['package-0', true, 'measured'],
      ['core-0', false, 'measured'],
    ],
  );
  assert.equal(s.idleEnergyUj, 45_000_000n, 'nothing attributed without an attributor');
  meter.fail = true;
  clock.advance(1000);
  const bad = await published(m);
  assert.equal(bad.energySource, 'none');
  assert.equal(bad.hostEnergyUj, 0n);
  assert.equal(bad.seq, 2n);
});

test('functions: placements, attribution and invocation figures are merged by name', async (t) => {
  const { root } = procDir(t);
  const clock = new StepClock();
  const meter = new ScriptedMeter();
  const figures = new Map<string, InvocationFigures>([
    ['jwt-node', { completed: 40, errors: 1, timeouts: 0, dropped: 0, latencyP50Ms: 2, latencyP95Ms: 3, latencyP99Ms: 4, achievedRps: 40 }],
  ]);
  const runtime = runtimeWith(
    [
      { function: 'jwt-node', cpus: [2, 3], workerPids: [10, 11] },
      { function: 'zip-py', cpus: [4], workerPids: [12] },
    ],
    figures,
  );
  const attributor: Attributor = {
    method: 'cputime-share',
    attribute: (input) => ({
      method: 'cputime-share',
      modelErrorW: -1,
      idleEnergyUj: input.hostEnergyUj - 10_000_000n,
      functions: [{ name: 'jwt-node', dynamicEnergyUj: 10_000_000n, totalEnergyUj: 20_000_000n, quality: 'modelled' }],
    }),
  };
  const m = new TelemetryMonitor({
    procfsRoot: root,
    intervalMs: 1000,
    log: silentLogger(),
    socketOfCpu: new Map([[2, 0]]),
    clock,
    processFigures: proc,
    meter,
    runtime,
    attributor,
  });
  await m.init();
  meter.nextUj = 30_000_000n;
  clock.advance(1000);
  const s = await published(m);
  assert.equal(s.attribution, 'cputime-share');
  assert.equal(s.assignmentVersion, 7n);
  assert.equal(s.idleEnergyUj + s.functions.reduce((a, f) => a + f.dynamicEnergyUj, 0n), s.hostEnergyUj);
  const jwt = s.functions.find((f) => f.function === 'jwt-node');
  assert.equal(jwt?.cores, 2);
  assert.equal(jwt?.powerW, 20);
  assert.equal(jwt?.quality, 'modelled');
  assert.equal(jwt?.invocations?.completed, 40);
  const zip = s.functions.find((f) => f.function === 'zip-py');
  assert.equal(zip?.totalEnergyUj, 0n);
  assert.equal(zip?.quality, 'measured');
  assert.equal(zip?.invocations, undefined);
  clock.advance(1000);
  const s2 = await published(m);
  assert.equal(s2.functions.find((f) => f.function === 'jwt-node')?.invocations, undefined, 'figures are taken once');
});

test('run() ticks on its own and stops when aborted', async (t) => {
  const { root } = procDir(t);
  const m = new TelemetryMonitor({ procfsRoot: root, intervalMs: 20, log: silentLogger(), socketOfCpu: new Map() });
  await m.init();
  const ac = new AbortController();
  let count = 0;
  m.on('snapshot', () => {
    if (++count === 3) ac.abort();
  });
  await m.run(ac.signal);
  assert.equal(count, 3);
  assert.equal(m.snapshot()?.seq, 3n);
  assert.throws(() => m.setIntervalMs(2), /expected an integer >= 10 ms/);
});

test('finalTickOnStop: an aborted run() publishes one last tick over the partial interval', async (t) => {
  const { root } = procDir(t);
  for (const finalTickOnStop of [true, false]) {
    const clock = new StepClock();
    const meter = new ScriptedMeter();
    // The interval is far longer than the test: only the abort ends the wait.
    const m = new TelemetryMonitor({
      procfsRoot: root,
      intervalMs: 60_000,
      log: silentLogger(),
      socketOfCpu: new Map(),
      clock,
      processFigures: proc,
      meter,
      finalTickOnStop,
    });
    await m.init();
    const seen: TickSnapshot[] = [];
    m.on('snapshot', (s) => seen.push(s));
    const ac = new AbortController();
    const running = m.run(ac.signal);
    clock.advance(400);
    meter.nextUj = 4_000n;
    ac.abort();
    await running;
    if (!finalTickOnStop) {
      assert.deepEqual(seen, [], 'off: no tick after the abort');
      continue;
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.intervalMs, 400, 'the tick covers the time since the baseline, not a full interval');
    assert.equal(seen[0]?.hostEnergyUj, 4_000n);
    assert.equal(seen[0]?.hostPowerW, 0.01);
  }
});

test('frequency: mean over the function CPUs with a figure; per-socket means go to the attributor', async (t) => {
  const { root } = procDir(t);
  const clock = new StepClock();
  const frequency: FrequencyReader = {
    kind: 'cppc',
    init: () => Promise.resolve(),
    cpus: () => [0, 1, 2],
    notes: () => [],
    sample: (nowMs) =>
      Promise.resolve({
        timestampMs: nowMs,
        intervalMs: 1000,
        mhzBySocket: new Map([
          [0, 2000],
          [1, 3000],
        ]),
        cores: [
          { cpu: 0, socket: 0, mhz: 2000 },
          { cpu: 1, socket: 0, mhz: null },
          { cpu: 2, socket: 1, mhz: 3000 },
        ],
        cached: false,
        warnings: [],
      }),
  };
  let seenBySocket: ReadonlyMap<number, number> | undefined;
  const attributor: Attributor = {
    method: 'cputime-share',
    attribute: (input) => {
      seenBySocket = input.frequencyMhzBySocket;
      return { method: 'cputime-share', modelErrorW: -1, idleEnergyUj: input.hostEnergyUj, functions: [] };
    },
  };
  const m = new TelemetryMonitor({
    procfsRoot: root,
    intervalMs: 1000,
    log: silentLogger(),
    socketOfCpu: new Map(),
    clock,
    processFigures: proc,
    frequency,
    functionCpus: [1, 2],
    attributor,
  });
  await m.init();
  clock.advance(1000);
  const s = await published(m);
  assert.equal(s.cpuFrequencyMhz, 3000, 'cpu 1 is idle (no figure), cpu 0 is not a function CPU');
  assert.deepEqual(
    [...(seenBySocket ?? new Map())],
    [
      [0, 2000],
      [1, 3000],
    ],
  );
});
