// The agent's profile jobs with a scripted runtime and telemetry: the bag starts saturated on its
// CPUs, figures come from whole ticks after the warm-up (completions and dynamic energy of the
// same ticks), idle power from the idle interval, everything is stopped at the end, after a
// cancel and after a failure; busy hosts and bad jobs are refused with the reason.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { silentLogger, type wire } from '@isawatt/common';
import type { ApplyResult, AssignmentSpec, FunctionRuntime, PlacementInfo } from '../runtime/function-runtime.js';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { decodeProfileJob, type ProfileJobSpec } from './profile-job.js';
import { perBusyCore, ProfileExecutor, throughputPerCore } from './profile-executor.js';
import { waitUntil } from '../../../../test/helpers/wait-until.js';

class FakeRuntime implements FunctionRuntime {
  readonly pinning = 'cgroup-v1-cpuset' as const;
  applied: AssignmentSpec[] = [];
  running: PlacementInfo[] = [];
  fail: string | undefined;
  catalogue(): [] {
    return [];
  }
  apply(a: AssignmentSpec): Promise<ApplyResult> {
    this.applied.push(a);
    if (this.fail !== undefined && a.functions.length > 0) return Promise.resolve({ ok: false, code: 'runtime-missing', error: this.fail });
    let cpu = 0;
    this.running = a.functions.map((f) => ({ function: f.function, cpus: Array.from({ length: f.cores }, () => cpu++), workerPids: [] }));
    return Promise.resolve({ ok: true, placements: this.running });
  }
  runningVersion(): bigint {
    return 0n;
  }
  placements(): PlacementInfo[] {
    return this.running;
  }
  activityTargets(): [] {
    return [];
  }
  takeInvocationFigures(): Map<string, never> {
    return new Map<string, never>();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeTelemetry extends EventEmitter<{ snapshot: [TickSnapshot] }> implements TelemetrySource {
  snapshot(): undefined {
    return undefined;
  }
}

let seq = 0n;
/** A tick of 1 s ending now: host energy, and per function completions and dynamic energy. */
function tick(
  nowMs: number,
  hostUj: bigint,
  fns: Record<string, { completed: number; dynUj: bigint; meanMs?: number; firstStartMs?: number; lastMs?: number; cpuUs?: bigint }>,
): TickSnapshot {
  seq++;
  const dyn = Object.values(fns).reduce((a, f) => a + f.dynUj, 0n);
  return {
    seq,
    timestampMs: nowMs,
    intervalMs: 1000,
    cpuUtilization: 0.5,
    cpuUtilizationPerCpu: [],
    cpuFrequencyMhz: 0,
    hostEnergyUj: hostUj,
    hostPowerW: Number(hostUj) / 1e6,
    hostQuality: 'emulated',
    energySource: 'rapl',
    domains: [],
    attribution: 'smartwatts',
    modelErrorW: 0.4,
    idleEnergyUj: hostUj - dyn,
    functions: Object.entries(fns).map(([name, f]) => ({
      function: name,
      dynamicEnergyUj: f.dynUj,
      totalEnergyUj: f.dynUj,
      powerW: 0,
      // Saturated: each function keeps the 4 cores a bag of 2 gets on 8 function CPUs busy.
      cpuTimeUs: f.cpuUs ?? 4_000_000n,
      cores: 2,
      quality: 'emulated' as const,
      invocations: {
        completed: f.completed,
        errors: 0,
        timeouts: 0,
        dropped: 0,
        latencyP50Ms: 2,
        latencyP95Ms: 4,
        latencyP99Ms: 5,
        achievedRps: f.completed,
        ...(f.meanMs !== undefined ? { latencyMeanMs: f.meanMs } : {}),
        ...(f.firstStartMs !== undefined && f.lastMs !== undefined ? { firstStartMs: f.firstStartMs, lastCompletionMs: f.lastMs } : {}),
      },
    })),
    assignmentVersion: 0n,
    agentCpuTimeUs: 0n,
    agentRssBytes: 0,
  };
}

const job = (over: Partial<ProfileJobSpec> = {}): ProfileJobSpec => ({
  jobId: 'c1:b0:x:a1',
  campaignId: 'c1',
  functions: ['f', 'g'],
  coresPerFunction: 0,
  durationMs: 2000,
  warmupMs: 0,
  idleMs: 0,
  saturate: true,
  rateRps: 0,
  openLoopUtilisations: [],
  ...over,
});

/** Emits a tick every few ms of real time, each claiming to end 1 s after the previous one. */
function ticking(tel: FakeTelemetry, clock: { now: number }, make: (i: number) => TickSnapshot | undefined): () => void {
  let i = 0;
  const timer = setInterval(() => {
    clock.now += 1000;
    const s = make(i++);
    if (s) tel.emit('snapshot', s);
  }, 5);
  return () => clearInterval(timer);
}

test('a bag: saturated on its CPUs, whole ticks after the start, idle power, stopped at the end', async () => {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const clock = { now: 1_000_000 };
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 8, log: silentLogger(), nowMs: () => clock.now });
  let phase = 'idle';
  const stopTicks = ticking(tel, clock, () => {
    if (phase === 'idle') return tick(clock.now, 50_000_000n, {});
    return tick(clock.now, 80_000_000n, { f: { completed: 100, dynUj: 20_000_000n }, g: { completed: 10, dynUj: 5_000_000n, meanMs: 500 } });
  });
  const origApply = rt.apply.bind(rt);
  rt.apply = (a) => {
    if (a.functions.length > 0) phase = 'bag';
    return origApply(a);
  };
  const r = await ex.run(job({ idleMs: 2000 }));
  stopTicks();
  assert.equal(r.ok, true, r.error);
  // Started with the host's 8 function CPUs split over the 2 functions, saturated; then stopped.
  assert.deepEqual(
    rt.applied[0]?.functions.map((f) => [f.function, f.cores, f.saturate]),
    [
      ['f', 4, true],
      ['g', 4, true],
    ],
  );
  assert.deepEqual(rt.applied.at(-1)?.functions, []);
  assert.equal(r.idle_power_w, 50);
  assert.equal(r.idle_duration_ms, 2000);
  assert.equal(r.duration_ms, 2000);
  assert.equal(r.ticks, 2);
  assert.equal(r.host_power_w, 80);
  const f = r.functions?.find((x) => x.function === 'f') as wire.FunctionProfile;
  assert.equal(f.completed, '200');
  assert.equal(f.exec_per_sec_per_core, 100 / 4);
  assert.equal(f.dynamic_energy_uj, '40000000');
  assert.equal(f.energy_per_exec_j, 0.2);
  assert.equal(f.quality, 'QUALITY_EMULATED');
  // g: saturated with a mean latency of 500 ms per invocation: 2 executions/s per core (Little's
  // law), 2 x 4 cores x 2 s = 16 executions for its 10 J of dynamic energy.
  const g = r.functions?.find((x) => x.function === 'g') as wire.FunctionProfile;
  assert.equal(g.exec_per_sec_per_core, 2);
  assert.equal(g.energy_per_exec_j, 10 / 16);
  assert.equal(r.host_quality, 'QUALITY_EMULATED');
  assert.equal(r.attribution, 'smartwatts');
  assert.equal(ex.busyWith(), undefined);
});

test('an open-loop phase after the saturated window: each function at u x its measured capacity, cost per busy core-second', async () => {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const clock = { now: 1_000_000 };
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 8, log: silentLogger(), nowMs: () => clock.now });
  let phase = 'idle';
  const stopTicks = ticking(tel, clock, () => {
    if (phase === 'saturated')
      return tick(clock.now, 80_000_000n, { f: { completed: 100, dynUj: 20_000_000n }, g: { completed: 8, dynUj: 4_000_000n, meanMs: 500 } });
    if (phase === 'open')
      // f: 50 req/s on its 4 cores, 3 of them busy (wake-ups cost CPU): 50 / 3 = 16.7 executions
      // per busy core-second (25 saturated) and 0.3 J each (0.2 saturated).
      return tick(clock.now, 70_000_000n, {
        f: { completed: 50, dynUj: 15_000_000n, cpuUs: 3_000_000n },
        g: { completed: 4, dynUj: 2_400_000n, cpuUs: 2_000_000n },
      });
    return undefined;
  });
  const origApply = rt.apply.bind(rt);
  rt.apply = (a) => {
    if (a.functions.length > 0) phase = a.functions.every((f) => f.saturate === true) ? 'saturated' : 'open';
    return origApply(a);
  };
  const r = await ex.run(job({ openLoopUtilisations: [0.5] }));
  stopTicks();
  assert.equal(r.ok, true, r.error);
  // Saturated first, then the same functions on the same cores at half the rate each sustained
  // (f: 0.5 x 4 cores x 25/s; g: 0.5 x 4 x 2/s by Little's law), constant arrivals; then stopped.
  assert.deepEqual(
    rt.applied[1]?.functions.map((f) => [f.function, f.cores, f.saturate === true, f.rateRps, f.arrival]),
    [
      ['f', 4, false, 50, 'constant'],
      ['g', 4, false, 4, 'constant'],
    ],
  );
  assert.deepEqual(rt.applied.at(-1)?.functions, []);
  const f = r.functions?.find((x) => x.function === 'f') as wire.FunctionProfile;
  // The saturated figures are untouched.
  assert.equal(f.exec_per_sec_per_core, 25);
  assert.equal(f.energy_per_exec_j, 0.2);
  const o = f.open_loop as wire.OpenLoopProfile;
  assert.equal(o.utilisation, 0.5);
  assert.equal(o.offered_rps, 50);
  assert.equal(o.achieved_rps, 50);
  assert.equal(o.completed, '100');
  assert.ok(Math.abs(Number(o.exec_per_sec_per_core) - 50 / 3) < 1e-9);
  assert.ok(Math.abs(Number(o.energy_per_exec_j) - 0.3) < 1e-12);
  assert.equal(o.busy_fraction, 0.75);
  assert.equal(o.duration_ms, 2000);
  assert.deepEqual(f.open_loop_points, [o], 'one phase, one point');
  const g = r.functions?.find((x) => x.function === 'g') as wire.FunctionProfile;
  assert.equal((g.open_loop as wire.OpenLoopProfile).exec_per_sec_per_core, 2);
  assert.ok(Math.abs(Number((g.open_loop as wire.OpenLoopProfile).energy_per_exec_j) - 0.6) < 1e-12);
  // Without the phase, no open_loop figures and a single start.
  phase = 'idle';
  const stop2 = ticking(tel, clock, () =>
    phase === 'saturated' ? tick(clock.now, 80_000_000n, { f: { completed: 100, dynUj: 20_000_000n }, g: { completed: 8, dynUj: 4_000_000n } }) : undefined,
  );
  const before = rt.applied.length;
  const plain = await ex.run(job());
  stop2();
  assert.equal(plain.ok, true, plain.error);
  assert.equal(rt.applied.length - before, 2, 'started once, stopped once');
  assert.equal(plain.functions?.[0]?.open_loop, undefined);
});

test('two open-loop utilisations: one phase each, lowest first, every point kept, open_loop the highest', async () => {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const clock = { now: 1_000_000 };
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 4, log: silentLogger(), nowMs: () => clock.now });
  // The offered rate of f in the phase running now (0: saturated); each phase's ticks differ so
  // that the points can be told apart.
  let fRate = -1;
  const stopTicks = ticking(tel, clock, () => {
    if (fRate === 0) return tick(clock.now, 80_000_000n, { f: { completed: 100, dynUj: 20_000_000n } });
    // Open loop: f completes what it is offered; its energy per execution falls as the rate rises
    // (0.4 J at 50/s, 0.25 J at 75/s), and 3 of its 4 cores are busy either way.
    if (fRate > 0) return tick(clock.now, 70_000_000n, { f: { completed: fRate, dynUj: fRate === 50 ? 20_000_000n : 18_750_000n, cpuUs: 3_000_000n } });
    return undefined;
  });
  const origApply = rt.apply.bind(rt);
  rt.apply = (a) => {
    const f = a.functions[0];
    fRate = f === undefined ? -1 : f.saturate === true ? 0 : f.rateRps;
    return origApply(a);
  };
  const r = await ex.run(job({ functions: ['f'], openLoopUtilisations: [0.5, 0.75] }));
  stopTicks();
  assert.equal(r.ok, true, r.error);
  // Started saturated, then one open-loop phase per utilisation at that share of the 25/s per core
  // on 4 cores it sustained, lowest first; then stopped.
  assert.deepEqual(
    rt.applied.map((a) => a.functions.map((f) => [f.saturate === true, f.rateRps])),
    [[[true, 0]], [[false, 50]], [[false, 75]], []],
  );
  const f = r.functions?.[0] as wire.FunctionProfile;
  const points = f.open_loop_points ?? [];
  assert.deepEqual(
    points.map((p) => [p.utilisation, p.offered_rps, p.achieved_rps]),
    [
      [0.5, 50, 50],
      [0.75, 75, 75],
    ],
  );
  assert.ok(Math.abs(Number(points[0]?.energy_per_exec_j) - 0.4) < 1e-12);
  assert.ok(Math.abs(Number(points[1]?.energy_per_exec_j) - 0.25) < 1e-12);
  assert.equal(f.open_loop, points[1], 'open_loop is the highest utilisation measured');
  assert.equal(f.exec_per_sec_per_core, 25, 'the saturated figures are untouched');
});

test('a second job is refused while one runs; cancel stops the bag at once and removes it', async () => {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 4, log: silentLogger() });
  const running = ex.run(job({ warmupMs: 60_000 }));
  await waitUntil('the executor to take the job', () => ex.busyWith() !== undefined);
  assert.equal(ex.busyWith(), 'c1:b0:x:a1');
  assert.match((await ex.run(job({ jobId: 'other' }))).error ?? '', /busy with profile job c1:b0:x:a1/);
  assert.equal(await ex.cancel('c1:b0:x:a1'), true);
  const r = await running;
  assert.equal(r.ok, false);
  assert.equal(r.cancelled, true);
  assert.deepEqual(rt.applied.at(-1)?.functions, []);
  assert.equal(await ex.cancel('nope'), false);
});

test('refusals: a host running an assignment, a bag that does not fit, a failed start', async () => {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 1, log: silentLogger(), stallMs: 50 });
  rt.running = [{ function: 'h', cpus: [0], workerPids: [1] }];
  assert.match((await ex.run(job())).error ?? '', /runs assignment v0 with 1 function\(s\); clear it/);
  rt.running = [];
  assert.match((await ex.run(job())).error ?? '', /a bag of 2 functions does not fit on 1 function CPUs/);
  rt.fail = 'python3 missing';
  const failed = await ex.run(job({ coresPerFunction: 1 }));
  assert.match(failed.error ?? '', /starting the bag failed: python3 missing/);
  assert.deepEqual(rt.applied.at(-1)?.functions, [], 'stopped after a failed start');
  rt.fail = undefined;
  // No tick ever arrives: the phase fails instead of waiting for ever, and the bag is stopped.
  const stalled = await ex.run(job({ coresPerFunction: 1, functions: ['f'] }));
  assert.match(stalled.error ?? '', /no telemetry tick for 50 ms/);
  assert.deepEqual(rt.applied.at(-1)?.functions, []);
});

test('job decoding names every problem and bounds what it echoes', () => {
  const base: wire.ProfileJob__Output = {
    job_id: 'j1',
    campaign_id: '',
    functions: ['f'],
    cores_per_function: 0,
    duration_ms: 1000,
    warmup_ms: 0,
    saturate: true,
    rate_rps: 0,
    open_loop_utilisation: 0,
    open_loop_utilisations: [],
    idle_ms: 0,
  };
  assert.equal(decodeProfileJob(base).functions[0], 'f');
  assert.throws(
    () => decodeProfileJob({ ...base, job_id: 'bad id\n'.repeat(30), functions: ['f', 'f', 'Bad Name'], duration_ms: 0, saturate: false, rate_rps: 0 }),
    (e: Error) =>
      /job_id: expected/.test(e.message) &&
      /"f" appears twice/.test(e.message) &&
      /is not a function name/.test(e.message) &&
      /duration_ms: expected 1/.test(e.message) &&
      /rate_rps/.test(e.message) &&
      !e.message.includes('\nbad id'),
  );
  assert.throws(() => decodeProfileJob({ ...base, functions: [] }), /functions: empty/);
  assert.deepEqual(decodeProfileJob({ ...base, open_loop_utilisation: 0.7 }).openLoopUtilisations, [0.7]);
  assert.deepEqual(decodeProfileJob(base).openLoopUtilisations, []);
  // The list supersedes the single value (which a coordinator sets to the list's last entry).
  assert.deepEqual(decodeProfileJob({ ...base, open_loop_utilisation: 0.85, open_loop_utilisations: [0.6, 0.85] }).openLoopUtilisations, [0.6, 0.85]);
  assert.throws(
    () => decodeProfileJob({ ...base, open_loop_utilisations: [0.85, 0.6, 0, 1.2] }),
    (e: Error) =>
      /open_loop_utilisations\[1\]: expected more than the one before \(0.85\), got 0.6/.test(e.message) &&
      /open_loop_utilisations\[2\]: expected a share of saturated capacity in \(0, 1\], got 0/.test(e.message) &&
      /open_loop_utilisations\[3\]: expected a share of saturated capacity in \(0, 1\], got 1.2/.test(e.message),
  );
  assert.throws(() => decodeProfileJob({ ...base, open_loop_utilisations: Array.from({ length: 9 }, (_, i) => (i + 1) / 10) }), /at most 8 phases, got 9/);
  assert.throws(() => decodeProfileJob({ ...base, saturate: false, rate_rps: 5, open_loop_utilisations: [0.5, 0.8] }), /open_loop_utilisation: needs saturate/);
  assert.throws(
    () => decodeProfileJob({ ...base, open_loop_utilisation: 1.5 }),
    /open_loop_utilisation: expected 0 \(none\) or a share of saturated capacity in \(0, 1\], got 1.5/,
  );
  assert.throws(() => decodeProfileJob({ ...base, open_loop_utilisation: Number.NaN }), /open_loop_utilisation: expected/);
  assert.throws(() => decodeProfileJob({ ...base, saturate: false, rate_rps: 5, open_loop_utilisation: 0.5 }), /open_loop_utilisation: needs saturate/);
});

/**
 * One carrier worker serves the function's 48 emulated CPUs, `serviceMs` of wall time per
 * invocation at its quota, so a core does 1 / (48 x serviceMs) executions/s. The driver queues 48
 * requests when the bag starts; the n-th completes at n x serviceMs with a latency of n x serviceMs,
 * so until 48 have completed the latencies are not Little's steady state (48 x serviceMs). Runs a
 * 20 s bag right after the start and returns its figures for `f`.
 */
async function carrierBag(serviceMs: number): Promise<{ perCore: number; jPerExec: number; truth: number }> {
  const rt = new FakeRuntime();
  const tel = new FakeTelemetry();
  const clock = { now: 1_000_000 };
  const ex = new ProfileExecutor({ runtime: rt, telemetry: tel, functionCpuCount: 48, log: silentLogger(), nowMs: () => clock.now });
  let t0: number | undefined;
  const origApply = rt.apply.bind(rt);
  rt.apply = (a) => {
    if (a.functions.length > 0) t0 = clock.now;
    return origApply(a);
  };
  const stopTicks = ticking(tel, clock, () => {
    if (t0 === undefined) return tick(clock.now, 50_000_000n, {});
    const start = t0;
    const done: number[] = [];
    for (let n = 1; start + n * serviceMs <= clock.now; n++) if (start + n * serviceMs > clock.now - 1000) done.push(start + n * serviceMs);
    const meanMs = done.length > 0 ? done.reduce((a, t) => a + (t - start), 0) / done.length : undefined;
    // Its 48 cores kept busy: 48 core-seconds per 1 s tick. The harness timed each handler at serviceMs.
    const first = done[0];
    return tick(clock.now, 80_000_000n, {
      f: {
        completed: done.length,
        dynUj: 1_000_000n,
        cpuUs: 48_000_000n,
        ...(meanMs !== undefined && first !== undefined ? { meanMs, firstStartMs: first - serviceMs, lastMs: done.at(-1) } : {}),
      },
    });
  });
  const r = await ex.run(job({ functions: ['f'], durationMs: 20_000 }));
  stopTicks();
  assert.equal(r.ok, true, r.error);
  const f = r.functions?.find((x) => x.function === 'f') as wire.FunctionProfile;
  return { perCore: Number(f.exec_per_sec_per_core), jPerExec: Number(f.energy_per_exec_j), truth: 1 / 48 / (serviceMs / 1000) };
}

test("an emulated carrier's queue still filling: the rate is the worker's, not 1 / mean latency", async () => {
  // 2 s per invocation: 10 completions in the window, latencies 2..20 s (mean 11 s, 8.7x the rate).
  const a = await carrierBag(2000);
  assert.ok(Math.abs(a.perCore / a.truth - 1) < 0.02, `${a.perCore} executions/s per core, truth ${a.truth}`);
  // Energy per execution divides by the same executions: 20 J over 20 s x 48 cores x the rate.
  assert.ok(Math.abs(a.jPerExec / (20 / (a.truth * 48 * 20)) - 1) < 0.02, `${a.jPerExec} J per execution`);
  // 15 s per invocation (video-gif-node on 12 emulated CPUs): one completion in the window.
  const b = await carrierBag(15_000);
  assert.ok(Math.abs(b.perCore / b.truth - 1) < 0.02, `${b.perCore} executions/s per core, truth ${b.truth}`);
});

test("throughput per core: from the first start to the last completion when saturated, else Little's law, else completions / window", () => {
  // 5 completions in 20 s from the first one's start on 2 cores: 0.125 per core (latencies ignored).
  assert.equal(throughputPerCore(5, 5 * 60_000, 20, 2, true, { firstStartMs: 1000, lastMs: 21_000 }), 0.125);
  assert.equal(throughputPerCore(1, 1 * 60_000, 20, 1, true, { firstStartMs: 1000, lastMs: 5000 }), 0.25);
  // An empty span, no span, or open loop: as before.
  assert.equal(throughputPerCore(1, 1 * 2000, 5, 1, true, { firstStartMs: 0, lastMs: 0 }), 0.5);
  assert.equal(throughputPerCore(5, 5 * 2000, 5, 1, false, { firstStartMs: 0, lastMs: 2000 }), 1);
  assert.equal(throughputPerCore(3, 3 * 2000, 5, 1, true), 0.5);
  assert.equal(throughputPerCore(3, 3 * 2000, 5, 1, false), 0.6);
  assert.equal(throughputPerCore(3, Number.NaN, 5, 1, true), 0.6);
  assert.equal(throughputPerCore(0, 0, 5, 1, true), 0);
});

test('per busy core: a saturated function that kept its cores only partly busy counts executions per busy core-second', () => {
  // 4 cores, 10 s, 200 executions, cores busy 60 % (24 core-s): 200 / 24 per core, not 200 / 40.
  const r = perBusyCore(200, 24, 4, 10, true);
  assert.equal(r.unsaturated, true);
  assert.equal(r.busyFraction, 0.6);
  assert.equal(r.perCore, 200 / 24);
  // Busy enough, open loop, or no CPU time known: the rate stands as measured.
  assert.equal(perBusyCore(200, 39, 4, 10, true).unsaturated, false);
  assert.equal(perBusyCore(200, 24, 4, 10, false).unsaturated, false);
  assert.equal(perBusyCore(200, 0, 4, 10, true).unsaturated, false);
});
