// Benchmark of the agent's per-tick cost (docs/reference-readings.md: "a 1 s tick with 200 function cgroups
// costs under 1 % of one core; resident memory stays flat"). Runs the real tick pipeline back to
// back on the 128-CPU Altra Max fixture: /proc/stat parse, the real cgroup CPU-time source reading
// one cpuacct.usage file per function (a temp tree of 200 cgroup dirs whose counters advance every
// tick), the real CPU-time-share attributor, invocation figures for every function, the snapshot,
// and the link's work (encode to TelemetryReport and serialise to protobuf bytes). CPU is the
// process's (all threads, so libuv's file reads count) over each tick only. No energy meter
// (meters read a handful of files; they are measured in their own tests). Prints CPU per tick, the
// share of one core at a 1 s tick, and RSS/heap at the start and the end.
//
//   node --conditions=source --import tsx bench/agent-tick.ts [--ticks 1000] [--functions 200] [--json FILE]
import { loadProtos, silentLogger } from '@isawatt/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAttributor } from '../packages/agent/src/attribution/create-attributor.js';
import { CgroupCpuTimeSource } from '../packages/agent/src/counters/cgroup-cputime.js';
import { encodeTelemetry } from '../packages/agent/src/link/codec.js';
import type { FunctionRuntime, PlacementInfo } from '../packages/agent/src/runtime/function-runtime.js';
import type { Clock } from '../packages/agent/src/telemetry/clock.js';
import { TelemetryMonitor } from '../packages/agent/src/telemetry/monitor.js';
import type { InvocationFigures } from '../packages/agent/src/telemetry/snapshot.js';
import { numberOption, parseBenchArgs } from './lib/options.js';

const opts = parseBenchArgs(import.meta.url, {
  ticks: { type: 'string', default: '1000', description: 'ticks measured' },
  functions: { type: 'string', default: '200', description: 'function cgroups' },
  json: { type: 'string', description: 'also write the figures to this JSON file' },
});
const jsonFile = opts.json;
const ticks = numberOption(import.meta.url, 'ticks', opts.ticks, { integer: true, min: 1 });
const nFunctions = numberOption(import.meta.url, 'functions', opts.functions, { integer: true, min: 1 });

const procfs = fileURLToPath(new URL('../packages/agent/testdata/hosts/altra-max-1s/proc', import.meta.url));
const cgroupRoot = mkdtempSync(join(tmpdir(), 'isawatt-bench-cg-'));
const names = Array.from({ length: nFunctions }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
const usageNs = new Map(names.map((n) => [n, 0n]));
for (const n of names) mkdirSync(join(cgroupRoot, n), { recursive: true });
const advanceCgroups = (): void => {
  names.forEach((n, i) => {
    const v = (usageNs.get(n) ?? 0n) + BigInt(1_000_000 + i * 5_000); // 1-2 ms of CPU per tick
    usageNs.set(n, v);
    writeFileSync(join(cgroupRoot, n, 'cpuacct.usage'), `${v}\n`);
  });
};
advanceCgroups();

const placements: PlacementInfo[] = names.map((n, i) => ({ function: n, cpus: [i % 128], workerPids: [10_000 + i] }));
const figures: InvocationFigures = { completed: 50, errors: 0, timeouts: 0, dropped: 0, latencyP50Ms: 3, latencyP95Ms: 6, latencyP99Ms: 9, achievedRps: 50 };
const runtime: FunctionRuntime = {
  pinning: 'cgroup-v1-cpuset',
  catalogue: () => [],
  apply: () => Promise.reject(new Error('not in this benchmark')),
  runningVersion: () => 1n,
  placements: () => placements,
  activityTargets: () => names.map((n, i) => ({ name: n, cgroupV1Paths: { cpuacct: join(cgroupRoot, n) }, cpus: [i % 128] })),
  takeInvocationFigures: () => new Map(names.map((n) => [n, figures])),
  close: () => Promise.resolve(),
};

// A stepped clock: every tick covers exactly 1 s of "agent time", whatever the wall clock does.
let mono = 0;
const clock: Clock = { nowMs: () => 1_764_201_600_000 + mono, monotonicMs: () => mono };
const log = silentLogger();
const activity = new CgroupCpuTimeSource({ log });
await activity.init();
const monitor = new TelemetryMonitor({
  procfsRoot: procfs,
  intervalMs: 1000,
  log,
  socketOfCpu: new Map(Array.from({ length: 128 }, (_, i) => [i, 0])),
  activity,
  attributor: createAttributor({ method: 'cputime-share' }),
  runtime,
  clock,
});
await monitor.init();
const attach = loadProtos().isawatt.v1.AgentLink.service.Attach;

let bytes = 0;
/** One tick; returns the process CPU (µs, all threads) it cost, excluding the fixture's own writes. */
async function oneTick(): Promise<number> {
  advanceCgroups(); // the benchmark's work, not the agent's: outside the measured span
  mono += 1000;
  const c0 = process.cpuUsage();
  const s = await monitor.tick();
  if (s === undefined) throw new Error('tick held: the bench source always releases counts');
  bytes = attach.requestSerialize({ telemetry: encodeTelemetry(s, 'bench') }).length;
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

// Warm-up (JIT, file cache), then measure.
for (let i = 0; i < 200; i++) await oneTick();
global.gc?.();
const rssStart = process.memoryUsage().rss;
const heapStart = process.memoryUsage().heapUsed;
const wall0 = performance.now();
const perTickMs: number[] = [];
let cpuUsTotal = 0;
for (let i = 0; i < ticks; i++) {
  const t0 = performance.now();
  cpuUsTotal += await oneTick();
  perTickMs.push(performance.now() - t0);
}
const wallMs = performance.now() - wall0;
global.gc?.();
const rssEnd = process.memoryUsage().rss;
const heapEnd = process.memoryUsage().heapUsed;
rmSync(cgroupRoot, { recursive: true, force: true });

perTickMs.sort((a, b) => a - b);
const cpuUsPerTick = cpuUsTotal / ticks;
const result = {
  ticks,
  functions: nFunctions,
  logicalCpus: 128,
  cpuUsPerTick: Math.round(cpuUsPerTick),
  shareOfOneCoreAt1sTickPct: Number(((cpuUsPerTick / 1e6) * 100).toFixed(3)),
  wallMsPerTickP50: Number((perTickMs[Math.floor(ticks * 0.5)] ?? 0).toFixed(3)),
  wallMsPerTickP99: Number((perTickMs[Math.floor(ticks * 0.99)] ?? 0).toFixed(3)),
  reportBytes: bytes,
  rssStartMiB: Number((rssStart / 2 ** 20).toFixed(1)),
  rssEndMiB: Number((rssEnd / 2 ** 20).toFixed(1)),
  heapStartMiB: Number((heapStart / 2 ** 20).toFixed(1)),
  heapEndMiB: Number((heapEnd / 2 ** 20).toFixed(1)),
  benchWallS: Number((wallMs / 1000).toFixed(1)),
  gcExposed: typeof global.gc === 'function',
};
console.log(JSON.stringify(result, null, 2));
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(result, null, 2) + '\n');
