// buildRecord: rates against R_j with the tolerance, the reason a function missed, PDU energy
// replacing the agent's only when it covers the window, parked hosts left out of the total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { wire } from '@isawatt/common';
import { makePlan } from '../placement/plan.js';
import { buildProblem } from '../placement/problem.js';
import type { Models } from '../workload/types.js';
import { buildRecord, missReason, type PduWindow } from './build-record.js';
import { WindowCollector } from './window-collector.js';

const models: Models = {
  hostTypes: {
    x: { arch: 'x86_64', idlePowerW: 100, functions: { a: { execPerSecPerCore: 10, energyPerExecJ: 1 }, b: { execPerSecPerCore: 10, energyPerExecJ: 2 } } },
    y: { arch: 'aarch64', idlePowerW: 50, functions: { a: { execPerSecPerCore: 5, energyPerExecJ: 0.5 }, b: { execPerSecPerCore: 5, energyPerExecJ: 1 } } },
  },
  categories: { a: 'web', b: 'crypto' },
};
const hosts = [
  { id: 'h-x', type: 'x', arch: 'x86_64' as const, cores: 8, idlePowerW: 100 },
  { id: 'h-y', type: 'y', arch: 'aarch64' as const, cores: 8, idlePowerW: 50 },
];
const problem = buildProblem(hosts, models, [
  { name: 'a', rateRps: 10 },
  { name: 'b', rateRps: 20 },
]);

function tick(
  host: string,
  endMs: number,
  fns: { name: string; completed: number; dropped?: number; expired?: number; arrived?: number; uj?: number }[],
  hostUj = 150_000_000,
  intervalMs = 1000,
): wire.TelemetryEvent__Output {
  return {
    host_id: host,
    state: 'HOST_STATE_UP',
    report: {
      timestamp_ms: String(endMs),
      interval_ms: intervalMs,
      host_energy_uj: String(hostUj),
      host_power_w: hostUj / 1e6,
      host_quality: 'QUALITY_EMULATED',
      energy_source: 'rapl',
      functions: fns.map((f) => ({
        function: f.name,
        dynamic_energy_uj: String(f.uj ?? 1_000_000),
        cores: 2,
        invocations: {
          completed: String(f.completed),
          errors: '0',
          timeouts: '0',
          dropped: String(f.dropped ?? 0),
          arrived: String(f.arrived ?? 0),
          expired: String(f.expired ?? 0),
          latency_p50_ms: 1,
          latency_p95_ms: 2,
          latency_p99_ms: 4,
          achieved_rps: f.completed,
        },
      })),
    } as unknown as wire.TelemetryReport__Output,
  };
}

const meta = { id: 'run-t', startedAt: '2026-12-06T10:00:00Z', durationS: 3, warmupS: 0, rateTolerance: 0.02, fromMs: 1000, inputs: {} };

function collect(events: wire.TelemetryEvent__Output[]): Map<string, NonNullable<ReturnType<WindowCollector['host']>>> {
  const c = new WindowCollector(1000, 4000);
  for (const e of events) c.add(e);
  const out = new Map<string, NonNullable<ReturnType<WindowCollector['host']>>>();
  for (const h of hosts) {
    const t = c.host(h.id);
    if (t) out.set(h.id, t);
  }
  return out;
}

test('a function meets its rate at >= (1 - tolerance) R_j; one that drops is named with the reason', () => {
  // rr-like: a on h-x, b on h-y (b needs 4 cores there).
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events: wire.TelemetryEvent__Output[] = [];
  for (const end of [1000, 2000, 3000, 4000, 5000]) {
    events.push(tick('h-x', end, [{ name: 'a', completed: 10 }]));
    // b: 20 requested, 18 served + 2 dropped per second: 90 %.
    events.push(tick('h-y', end, [{ name: 'b', completed: 18, dropped: 2 }], 60_000_000));
  }
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const a = r.functions.find((f) => f.name === 'a');
  const b = r.functions.find((f) => f.name === 'b');
  assert.ok(a && b);
  // Ticks ending at 2000, 3000, 4000 are inside (1000, 4000]: 3 s.
  assert.equal(a.achievedRps, 10);
  assert.equal(a.metRate, true);
  assert.equal(b.offeredRps, 20);
  assert.equal(b.achievedRps, 18);
  assert.equal(b.metRate, false);
  assert.match(b.reason ?? '', /6 arrivals \(10\.0 %\) dropped at a full queue: 4 cores could not keep up/);
  assert.equal(r.metRates, false);
  assert.deepEqual(a.latencyMs, { p50: 1, p95: 2, p99: 4 });
  assert.equal(a.energyJ, 3);
  // predicted: W_j x R_j x window = 1 J x 10/s x 3 s
  assert.equal(a.predictedEnergyJ, 30);
  // hosts: agent energy, emulated, idle + functions predicted
  const hx = r.hosts.find((h) => h.id === 'h-x');
  assert.equal(hx?.energyJ, 450);
  assert.equal(hx?.energyQuality, 'emulated');
  assert.equal(hx?.energySource, 'agent:rapl');
  assert.equal(hx?.predictedEnergyJ, (100 + 10) * 3);
  assert.equal(r.energyJ, 450 + 180);
});

test('offered counts the arrivals in the window, not answers to arrivals queued before it', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events: wire.TelemetryEvent__Output[] = [];
  for (const end of [1000, 2000, 3000, 4000, 5000]) {
    events.push(tick('h-x', end, [{ name: 'a', completed: 10, arrived: 10 }]));
    // b: 20 arrive per second; a queue built before the window drains inside it (19 served per
    // second) while 2 per second are dropped at the full queue: 21 answers for 20 arrivals.
    events.push(tick('h-y', end, [{ name: 'b', completed: 19, dropped: 2, arrived: 20 }], 60_000_000));
  }
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const b = r.functions.find((f) => f.name === 'b');
  assert.ok(b);
  assert.equal(b.offeredRps, 20);
  assert.equal(b.achievedRps, 19);
  assert.match(b.reason ?? '', /6 arrivals \(10\.0 %\) dropped at a full queue/);
});

/** tick() numbered (seq end/1000) in one agent session, with its completions broken down by age. */
function agedTick(host: string, endMs: number, fn: { name: string; completed: number; arrived: number; ages: number[] }): wire.TelemetryEvent__Output {
  const e = tick(host, endMs, [fn]);
  const r = e.report as wire.TelemetryReport__Output;
  const f = r.functions[0] as wire.FunctionEnergy__Output;
  const inv = { ...(f.invocations as wire.InvocationStats__Output), completed_by_age: fn.ages.map(String) };
  return { ...e, report: { ...r, seq: String(endMs / 1000), session_id: 's', functions: [{ ...f, invocations: inv }] } };
}

test("achieved counts the window's arrivals that completed, also after it; those never answered are named", () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events: wire.TelemetryEvent__Output[] = [];
  // a: 10 arrive per second, 2 of each tick's complete in the next; at the window's last tick
  // (4000) 3 are still in flight. Completions inside the window: 10 + 10 + 9 = 29 of 30, which
  // read as 9.67 req/s, a miss, when counted by completion; by arrival all 30 were served.
  events.push(agedTick('h-x', 1000, { name: 'a', completed: 8, arrived: 10, ages: [8] }));
  events.push(agedTick('h-x', 2000, { name: 'a', completed: 10, arrived: 10, ages: [8, 2] }));
  events.push(agedTick('h-x', 3000, { name: 'a', completed: 10, arrived: 10, ages: [8, 2] }));
  events.push(agedTick('h-x', 4000, { name: 'a', completed: 9, arrived: 10, ages: [7, 2] }));
  events.push(agedTick('h-x', 5000, { name: 'a', completed: 10, arrived: 10, ages: [7, 3] }));
  // b: 20 arrive per second; 12 of the window's arrivals are never answered.
  for (const end of [1000, 2000, 3000, 4000, 5000])
    events.push(agedTick('h-y', end, { name: 'b', completed: end === 4000 ? 8 : 20, arrived: 20, ages: [end === 4000 ? 8 : 20] }));
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const a = r.functions.find((f) => f.name === 'a');
  const b = r.functions.find((f) => f.name === 'b');
  assert.ok(a && b);
  assert.equal(a.achievedRps, 10);
  assert.equal(a.achievedCounts, 'window-arrivals');
  assert.equal(a.unanswered, 0);
  assert.equal(a.metRate, true);
  assert.equal(b.achievedRps, 16);
  assert.equal(b.unanswered, 12);
  assert.equal(b.metRate, false);
  assert.match(
    b.reason ?? '',
    /^12 of the window's 60 arrivals were still queued or running when the count ended \(up to 7 ticks after the window\): 4 cores fell behind$/,
  );
});

test('a backlog that grows through the window is not credited by the completions after it', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const cores = plan.assignments.filter((x) => x.function === 'a').reduce((s, x) => s + x.cores, 0);
  const events: wire.TelemetryEvent__Output[] = [];
  // a: 10 arrive per second and 8 complete: the queue grows by 2 a second, and the window's
  // arrivals all complete after it, within the ages told apart (drain ticks 5 and 6).
  events.push(agedTick('h-x', 1000, { name: 'a', completed: 10, arrived: 10, ages: [10] }));
  for (const end of [2000, 3000, 4000]) events.push(agedTick('h-x', end, { name: 'a', completed: 8, arrived: 10, ages: [6, 2] }));
  events.push(agedTick('h-x', 5000, { name: 'a', completed: 10, arrived: 10, ages: [0, 4, 2, 2, 2] }));
  events.push(agedTick('h-x', 6000, { name: 'a', completed: 10, arrived: 10, ages: [0, 10] }));
  for (const end of [1000, 2000, 3000, 4000, 5000]) events.push(agedTick('h-y', end, { name: 'b', completed: 20, arrived: 20, ages: [20] }));
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const a = r.functions.find((f) => f.name === 'a');
  assert.ok(a);
  assert.equal(a.unanswered, 0, 'every arrival of the window completed in the end');
  // Credited: the 24 completions inside the window plus one per core, not all 30.
  assert.equal(a.achievedRps, (24 + cores) / 3);
  assert.equal(a.metRate, false);
  assert.match(a.reason ?? '', /requests queued faster than/);
});

test('drops that expired in the queue get their own reason, apart from those at a full queue', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events: wire.TelemetryEvent__Output[] = [];
  for (const end of [1000, 2000, 3000, 4000, 5000]) {
    events.push(tick('h-x', end, [{ name: 'a', completed: 10, arrived: 10 }]));
    // b: 20 arrive per second, 16 served; of the 4 dropped, 3 waited past the timeout in the queue.
    events.push(tick('h-y', end, [{ name: 'b', completed: 16, dropped: 4, expired: 3, arrived: 20 }], 60_000_000));
  }
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const b = r.functions.find((f) => f.name === 'b');
  assert.ok(b);
  assert.equal(b.drops, 12, 'drops still counts both');
  assert.match(b.reason ?? '', /^3 arrivals \(5\.0 %\) dropped at a full queue: 4 cores could not keep up; /);
  assert.match(b.reason ?? '', /; 9 arrivals \(15\.0 %\) dropped after waiting in the queue past the function's timeout: 4 cores could not keep up$/);
  // Only expired ones: no full-queue sentence at all.
  const only = missReason({
    requestedRps: 20,
    offeredRps: 20,
    achievedRps: 16,
    drops: 4,
    expired: 4,
    errors: 0,
    timeouts: 0,
    arrivals: 20,
    cores: 1,
    hosts: 1,
  });
  assert.equal(only, "4 arrivals (20.0 %) dropped after waiting in the queue past the function's timeout: 1 core could not keep up");
});

test('counted by arrival, a driver that offered less than R_j is named as such, not the cores', () => {
  const reason = missReason({
    requestedRps: 100,
    offeredRps: 40,
    achievedRps: 40,
    drops: 0,
    errors: 0,
    timeouts: 0,
    arrivals: 120,
    unanswered: 0,
    cores: 3,
    hosts: 1,
  });
  assert.equal(
    reason,
    'only 40.00 of 100.00 req/s arrived: the load driver did not offer the rest (its host too busy, or the function not running all the window)',
  );
});

test("rates and energy cover the window's wall-clock time even when the ticks' intervals add up to more", () => {
  // An emulated host whose energy spans overlap: ticks one second apart, each claiming 1.5 s and
  // the energy of 1.5 s at 100 W. Over the 3 s window: 10 req/s and 300 J, not 6.7 req/s and 450 J.
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events: wire.TelemetryEvent__Output[] = [];
  for (const end of [1000, 2000, 3000, 4000]) {
    events.push(tick('h-x', end, [{ name: 'a', completed: 10, uj: 1_500_000 }], 150_000_000, 1500));
    events.push(tick('h-y', end, [{ name: 'b', completed: 20 }], 50_000_000));
  }
  const totals = collect(events);
  assert.equal(totals.get('h-x')?.windowMs, 3000);
  assert.equal(totals.get('h-x')?.intervalSumMs, 4500);
  const r = buildRecord(problem, plan, totals, new Map(), meta);
  const a = r.functions.find((f) => f.name === 'a');
  assert.equal(a?.achievedRps, 10);
  assert.equal(a?.metRate, true);
  assert.equal(a?.energyJ, 3);
  assert.equal(r.hosts.find((h) => h.id === 'h-x')?.energyJ, 300);
  assert.equal(r.hosts.find((h) => h.id === 'h-x')?.predictedEnergyJ, (100 + 10) * 3);
});

test('with a tolerance of 10 % the same run meets its rates', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events = [2000, 3000, 4000].flatMap((end) => [
    tick('h-x', end, [{ name: 'a', completed: 10 }]),
    tick('h-y', end, [{ name: 'b', completed: 18, dropped: 2 }]),
  ]);
  const r = buildRecord(problem, plan, collect(events), new Map(), { ...meta, rateTolerance: 0.1 });
  assert.equal(r.metRates, true);
});

test('the PDU replaces the agent figure when it covers the window, labelled measured with the agent figure beside', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events = [2000, 3000, 4000].flatMap((end) => [tick('h-x', end, [{ name: 'a', completed: 10 }]), tick('h-y', end, [{ name: 'b', completed: 20 }])]);
  const pts = [1000, 2000, 3000, 4000].map((t) => ({ timestampMs: t, powerW: 200 }));
  const pdu = new Map<string, PduWindow>([
    ['h-x', { energyJ: 600, coveredMs: 3000, outlet: '3', points: pts }],
    // Covers a third of the window only: not used.
    ['h-y', { energyJ: 100, coveredMs: 1000, outlet: '4', points: pts.slice(0, 2) }],
  ]);
  const r = buildRecord(problem, plan, collect(events), pdu, meta);
  const hx = r.hosts.find((h) => h.id === 'h-x');
  const hy = r.hosts.find((h) => h.id === 'h-y');
  assert.equal(hx?.energySource, 'pdu:3');
  assert.equal(hx?.energyQuality, 'measured');
  assert.equal(hx?.energyJ, 600);
  assert.equal(hx?.agentEnergyJ, 450);
  assert.equal(hy?.energySource, 'agent:rapl');
  assert.equal(r.energyQuality, 'emulated');
  assert.ok(r.series?.some((s) => s.hostId === 'h-x' && s.pduPowerW === 200));
});

test('energy-aware-whole parks an unused host: shown, not counted', () => {
  const plan = makePlan(problem, 'energy-aware-whole', [1, 1], { status: 'optimal', solver: 'test', bound: null, solveTimeMs: 0 });
  const events = [2000, 3000, 4000].flatMap((end) => [
    tick('h-x', end, []),
    tick(
      'h-y',
      end,
      [
        { name: 'a', completed: 10 },
        { name: 'b', completed: 20 },
      ],
      60_000_000,
    ),
  ]);
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const hx = r.hosts.find((h) => h.id === 'h-x');
  assert.equal(hx?.parked, true);
  assert.equal(hx?.energyJ, 450);
  assert.equal(r.energyJ, 180);
  assert.equal(hx?.predictedEnergyJ, 0);
  // Under energy-aware the same idle host is counted.
  const ea = buildRecord(problem, { ...plan, policy: 'energy-aware' }, collect(events), new Map(), meta);
  assert.equal(ea.energyJ, 630);
});

test('a function whose host sent no telemetry in the window misses with that reason', () => {
  const plan = makePlan(problem, 'rr', [0, 1], { status: 'feasible', solver: 'rule', bound: null, solveTimeMs: 0 });
  const events = [2000, 3000, 4000].map((end) => tick('h-x', end, [{ name: 'a', completed: 10 }]));
  const r = buildRecord(problem, plan, collect(events), new Map(), meta);
  const b = r.functions.find((f) => f.name === 'b');
  assert.equal(b?.metRate, false);
  assert.equal(b?.reason, 'no telemetry from its host during the window');
});
