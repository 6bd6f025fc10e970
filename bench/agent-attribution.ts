// Benchmark of the attribution half of an agent tick with 200 function cgroups (the target in
// docs/reference-readings.md: "a 1 s tick with 200 function cgroups costs under 1 % of one core;
// resident memory stays flat").
// Per tick: the real CgroupCpuTimeSource reads 200 cpuacct.usage files in a temp tree, the real
// attributor splits the host energy, the snapshot's function figures are built, and the real
// Prometheus exporter is updated (and /metrics rendered every 15 ticks, a typical scrape interval).
// Two phases: "cputime-share" (no counters, this machine) and "smartwatts" (200 functions × 4
// synthetic counters on 2 sockets, frequency layers changing every 50 ticks, models refitted as
// SmartWatts does). bench/agent-tick.ts measures the whole monitor tick and the link encoding.
//
//   node --conditions=source --import tsx bench/agent-attribution.ts [--ticks 10000] [--functions 200]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@isawatt/common';
import type { ActivitySample, ActivityTarget } from '../packages/agent/src/counters/activity-source.js';
import { CgroupCpuTimeSource } from '../packages/agent/src/counters/cgroup-cputime.js';
import type { Attributor } from '../packages/agent/src/attribution/attributor.js';
import { createAttributor } from '../packages/agent/src/attribution/create-attributor.js';
import { toFunctionFigures } from '../packages/agent/src/attribution/figures.js';
import { PrometheusExporter } from '../packages/agent/src/export/prometheus.js';
import type { DomainSample } from '../packages/agent/src/sensors/energy-meter.js';
import type { TelemetrySource, TickSnapshot } from '../packages/agent/src/telemetry/snapshot.js';
import { numberOption, parseBenchArgs } from './lib/options.js';

const opts = parseBenchArgs(import.meta.url, {
  ticks: { type: 'string', default: '10000', description: 'ticks per phase' },
  functions: { type: 'string', default: '200', description: 'function cgroups' },
});
const ticks = numberOption(import.meta.url, 'ticks', opts.ticks, { integer: true, min: 1 });
const nFunctions = numberOption(import.meta.url, 'functions', opts.functions, { integer: true, min: 1 });
const log = silentLogger();

class Telemetry extends EventEmitter<{ snapshot: [TickSnapshot] }> implements TelemetrySource {
  last: TickSnapshot | undefined;
  snapshot(): TickSnapshot | undefined {
    return this.last;
  }
}

// tmpfs (/dev/shm) where available: cgroupfs is in memory too, and rewriting 200 files per tick on a
// disk-backed /tmp makes the benchmark's own work (not measured) take most of the wall time.
const tmpBase = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const root = mkdtempSync(join(tmpBase, 'isawatt-bench-attr-'));
const names = Array.from({ length: nFunctions }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
const targets: ActivityTarget[] = names.map((n, i) => {
  mkdirSync(join(root, n));
  return { name: n, cpus: [i % 64], cgroupV1Paths: { cpuacct: join(root, n) } };
});
const usageNs = names.map(() => 0n);
let rnd = 12345;
const random = (): number => (rnd = (rnd * 16807) % 2147483647) / 2147483647;
/** The benchmark's own work (the kernel's, on a real host): advance every cgroup's CPU time. */
function advanceCgroups(): void {
  names.forEach((n, i) => {
    usageNs[i] = (usageNs[i] ?? 0n) + BigInt(Math.round(random() * 20_000_000));
    writeFileSync(join(root, n, 'cpuacct.usage'), `${usageNs[i]}\n`);
  });
}

const EVENTS = ['cycles', 'instructions', 'cache-misses', 'stalled-cycles-backend'];
/** Synthetic counters for the smartwatts phase: power follows a hidden linear model. */
function withCounters(a: ActivitySample, tick: number): { sample: ActivitySample; domains: DomainSample[]; freq: Map<number, number> } {
  const power = [40, 40];
  const targetsWithEvents = a.targets.map((t, i) => {
    const socket = i % 2;
    const cyc = Number(t.cpuTimeUs) * 2900 * (0.8 + 0.4 * random());
    const counts = [cyc, cyc * (1 + random()), cyc * 0.001 * random(), cyc * 0.2 * random()];
    power[socket] = (power[socket] ?? 0) + counts[0]! * 2e-9 + counts[1]! * 1e-9 + counts[2]! * 2e-7 + counts[3]! * 5e-10;
    return { ...t, eventsBySocket: new Map([[socket, new Map(EVENTS.map((e, k) => [e, BigInt(Math.round(counts[k] ?? 0))]))]]) };
  });
  const domains = power.map((p, s) => ({ domain: `package-${s}`, socket: s, inHostTotal: true, energyUj: BigInt(Math.round(p * 1e6)), powerW: p }));
  const layer = [2100, 2500, 2900][Math.floor(tick / 50) % 3] ?? 2100;
  return {
    sample: { ...a, targets: targetsWithEvents, events: EVENTS },
    domains,
    freq: new Map([
      [0, layer + 30],
      [1, layer + 60],
    ]),
  };
}

async function phase(method: 'cputime-share' | 'smartwatts'): Promise<Record<string, number | string>> {
  const source = new CgroupCpuTimeSource({ log });
  await source.init();
  const attributor: Attributor = createAttributor({ method });
  const telemetry = new Telemetry();
  const exporter = new PrometheusExporter({ source: telemetry, log, processMetrics: false });
  exporter.start();
  let nowMs = 1_767_225_600_000;
  let metricsBytes = 0;
  const stageUs = { source: 0, attribution: 0, exporter: 0, render: 0 };
  const cpuNow = (): number => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  const tick = async (k: number): Promise<void> => {
    nowMs += 1000;
    let t = cpuNow();
    const raw = await source.sample(targets, nowMs);
    stageUs.source += cpuNow() - t;
    t = cpuNow();
    let activity = raw;
    let domains: DomainSample[] = [{ domain: 'estimated-cpu', socket: 0, inHostTotal: true, energyUj: 95_000_000n, powerW: 95 }];
    let freq = new Map<number, number>();
    if (method === 'smartwatts') ({ sample: activity, domains, freq } = withCounters(raw, k));
    const hostEnergyUj = domains.reduce((s, d) => s + d.energyUj, 0n);
    const result = attributor.attribute({
      timestampMs: nowMs,
      intervalMs: 1000,
      hostEnergyUj,
      hostQuality: method === 'smartwatts' ? 'emulated' : 'estimated',
      domains,
      activity,
      cpuUtilization: 0.6,
      frequencyMhzBySocket: freq,
      socketOfCpu: new Map(Array.from({ length: 64 }, (_, c) => [c, c % 2])),
    });
    stageUs.attribution += cpuNow() - t;
    t = cpuNow();
    const functions = toFunctionFigures(result, activity, 1000);
    const snap: TickSnapshot = {
      seq: BigInt(k + 1),
      timestampMs: nowMs,
      intervalMs: 1000,
      cpuUtilization: 0.6,
      cpuUtilizationPerCpu: [],
      cpuFrequencyMhz: freq.get(0) ?? 0,
      hostEnergyUj,
      hostPowerW: Number(hostEnergyUj) / 1e6,
      hostQuality: method === 'smartwatts' ? 'emulated' : 'estimated',
      energySource: method === 'smartwatts' ? 'bench' : 'estimated',
      domains: domains.map((d) => ({ ...d, quality: 'estimated', source: 'bench' })),
      attribution: result.method,
      modelErrorW: result.modelErrorW,
      idleEnergyUj: result.idleEnergyUj,
      functions,
      assignmentVersion: 1n,
      agentCpuTimeUs: 0n,
      agentRssBytes: 0,
    };
    telemetry.last = snap;
    telemetry.emit('snapshot', snap);
    stageUs.exporter += cpuNow() - t;
    t = cpuNow();
    if (k % 15 === 0) metricsBytes = (await exporter.metrics()).length;
    stageUs.render += cpuNow() - t;
  };

  // Warm-up (JIT, page cache, first model fits), then measure. The cgroup writes are the benchmark's
  // own work: process.cpuUsage is read around the tick only.
  const warm = Math.min(300, ticks);
  for (let k = 0; k < warm; k++) {
    advanceCgroups();
    await tick(k);
  }
  global.gc?.();
  for (const k of Object.keys(stageUs) as (keyof typeof stageUs)[]) stageUs[k] = 0;
  let tickCpuUs = 0;
  let maxTickCpuUs = 0;
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const rssStart = process.memoryUsage().rss;
  console.log(`[${method}] tick      CPU ms/tick (window)   RSS MiB   heap MiB`);
  let windowUs = 0;
  for (let k = warm; k < warm + ticks; k++) {
    advanceCgroups();
    const c0 = process.cpuUsage();
    await tick(k);
    const c = process.cpuUsage(c0);
    const us = c.user + c.system;
    tickCpuUs += us;
    windowUs += us;
    maxTickCpuUs = Math.max(maxTickCpuUs, us);
    const done = k - warm + 1;
    if (done % Math.max(1, Math.floor(ticks / 10)) === 0) {
      // With --expose-gc (npm run bench passes it) memory is sampled after a full collection, so
      // the figures show what is retained, not how far the collector happens to lag.
      global.gc?.();
      const m = process.memoryUsage();
      const every = Math.max(1, Math.floor(ticks / 10));
      console.log(
        `[${method}] ${String(done).padStart(6)}   ${(windowUs / every / 1000).toFixed(3).padStart(8)}             ${mib(m.rss).padStart(7)}   ${mib(m.heapUsed).padStart(7)}`,
      );
      windowUs = 0;
    }
  }
  exporter.stop();
  await source.close();
  const msPerTick = tickCpuUs / ticks / 1000;
  return {
    method,
    functions: nFunctions,
    ticks,
    cpuMsPerTick: Number(msPerTick.toFixed(3)),
    maxTickCpuMs: Number((maxTickCpuUs / 1000).toFixed(3)),
    pctOfOneCoreAt1Hz: Number(((msPerTick / 1000) * 100).toFixed(3)),
    rssStartMiB: Number(mib(rssStart)),
    rssEndMiB: Number(mib(process.memoryUsage().rss)),
    metricsBytes,
    sourceMsPerTick: Number((stageUs.source / ticks / 1000).toFixed(3)),
    attributionMsPerTick: Number((stageUs.attribution / ticks / 1000).toFixed(3)),
    snapshotAndExporterMsPerTick: Number((stageUs.exporter / ticks / 1000).toFixed(3)),
    metricsRenderMsPerTick: Number((stageUs.render / ticks / 1000).toFixed(3)),
    smartwattsLayers: method === 'smartwatts' ? 'sockets 0,1 × 3 layers' : '-',
  };
}

try {
  const results = [await phase('cputime-share'), await phase('smartwatts')];
  console.log(JSON.stringify(results, null, 2));
  for (const r of results) {
    console.log(`${r.method}: ${r.cpuMsPerTick} ms CPU per tick with ${r.functions} functions = ${r.pctOfOneCoreAt1Hz} % of one core at 1 Hz (target < 1 %)`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
