// Cost per execution of one function on an emulated host, by carrier size: does the emulated ground
// truth charge the same energy per execution at a given utilisation whether a function holds 8 or
// 64 emulated CPUs (as real servers, one worker per core, would)?
//
// For each carrier size k and load (idle, then u x saturated rate), the function runs on k emulated
// CPUs of the profile exactly as an emulated agent runs it (one carrier worker, bandwidth slice,
// open-loop arrivals from the runtime's own load driver), and the bench reads the function cgroup's
// real CPU time over a window:
//   real CPU ms/s       real CPU time per second of the carrier (idle: its background cost)
//   quota used          that over what the function's CFS quotas allow (k x one CPU's share)
//   real CPU µs/exec    real CPU time per completed execution
//   emulated busy/exec  what the emulator charges per execution, emulated CPU-ms (real / share)
//   vs first k          the same, relative to the first carrier size at that load and layout
//   p50 / p95 latency   of the completed executions, ms (includes the hold of batched delivery)
// Layouts (--carrier-cpus): 0 = one carrier for all of a function's CPUs (before bounded carriers),
// N = carriers of at most N CPUs (the agent's CARRIER_CPUS by default). Deliveries (--delivery):
// batched = a carrier that ran out of work is woken at most once per CFS period (the agent's
// default, runtime/carrier-wake-gate.ts), per-request = every arrival written at once (before);
// each delivery has its own runtime holding the function, and they take turns at every cell. On a
// machine busy with other work the figures swing by tens of percent between identical cells:
// compare on a quiet one.
//
//   node --conditions=source --import tsx bench/carrier-cost.ts [--function F] [--profile P]
//        [--cores 8,64] [--load 0,0.5,0.85] [--carrier-cpus 0,8] [--delivery batched,per-request]
//        [--window S] [--settle S]
//        [--cgroup-root DIR] [--procfs-root DIR]
// Needs root (cgroups; workers run as nobody). The saturated rate per core is taken from the
// profile's ground truth (the CPU cost file), so u is the utilisation the planner would see.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { msToS, silentLogger } from '@isawatt/common';
import { workerShare, truthOf } from '../packages/agent/src/emulation/ground-truth.js';
import { emulatedCpuCount, emulatedSocketOf, getProfile, PROFILES_DIR } from '../packages/agent/src/emulation/profiles.js';
import { WORKER_WARMUP_MS } from '../packages/agent/src/emulation/emulated-host.js';
import { raiseAgentCpuWeight } from '../packages/agent/src/emulation/agent-weight.js';
import { CARRIER_CPUS } from '../packages/agent/src/runtime/function-pool.js';
import { cfsQuota } from '../packages/agent/src/runtime/pinning.js';
import { LocalFunctionRuntime } from '../packages/agent/src/runtime/local-function-runtime.js';
import { choiceOption, listOption, numberListOption, numberOption, parseBenchArgs } from './lib/options.js';

const repoRoot = new URL('..', import.meta.url).pathname;

const url = import.meta.url;
const values = parseBenchArgs(url, {
  function: { type: 'string', default: 'jwt-node' },
  profile: { type: 'string', default: 'altra-max-m128' },
  cores: { type: 'string', default: '8,64' },
  load: { type: 'string', default: '0,0.5,0.85' },
  window: { type: 'string', default: '10' },
  settle: { type: 'string', default: '4' },
  'worker-per-cpu': { type: 'boolean', default: false },
  // Most emulated CPUs per carrier, one or more layouts compared in the same run; 0 = one carrier
  // for all of a function's CPUs (the layout before bounded carriers).
  'carrier-cpus': { type: 'string', default: `0,${CARRIER_CPUS}` },
  // How requests reach an idle carrier, one or both compared in the same run: batched (at most one
  // wake-up per CFS period) or per-request (one write per arrival, the agent's default).
  delivery: { type: 'string', default: 'per-request,batched' },
  'cgroup-root': { type: 'string', default: '/sys/fs/cgroup' },
  'procfs-root': { type: 'string', default: '/proc' },
});
const cgroupRoot = values['cgroup-root'];
const procRoot = values['procfs-root'];
const fn = values.function;
const profile = getProfile(values.profile);
const coreList = numberListOption(url, 'cores', values.cores, { integer: true, min: 1 });
const loads = numberListOption(url, 'load', values.load, { min: 0, max: 1.5 });
const windowS = numberOption(url, 'window', values.window, { above: 0 });
const settleS = numberOption(url, 'settle', values.settle, { min: 0 });
// 0: one carrier for all of a function's CPUs.
const layouts = numberListOption(url, 'carrier-cpus', values['carrier-cpus'], { integer: true, min: 0 });
const deliveries = listOption(url, 'delivery', values.delivery).map(
  (d) => choiceOption(url, 'delivery', d, ['batched', 'per-request'] as const) satisfies Delivery,
);

const costs = JSON.parse(await readFile(join(PROFILES_DIR, 'function-cpu-cost.json'), 'utf8')) as { cpuMsPerInvocation: Record<string, number> };
const costMs = costs.cpuMsPerInvocation[fn];
if (costMs === undefined) throw new Error(`${fn}: not in function-cpu-cost.json`);
const truth = truthOf(profile, fn, msToS(costMs));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const subtree = `isawatt-bench-carrier-${process.pid}`;
type Delivery = 'batched' | 'per-request';
const subtreeOf = (d: Delivery): string => `${subtree}-${d}`;
const usageOf = async (d: Delivery): Promise<bigint> => BigInt((await readFile(join(cgroupRoot, 'cpuacct', subtreeOf(d), fn, 'cpuacct.usage'), 'utf8')).trim());

const cpuCount = emulatedCpuCount(profile);
// This process plays the agent (its load driver generates the arrivals): the weight an emulated
// agent gets, so that other load on the machine starves neither it nor the workers.
const lowerWeight = await raiseAgentCpuWeight({ cgroupRoot, subtree, procRoot, pid: process.pid, log: silentLogger() });

interface Row {
  layout: string;
  delivery: string;
  cores: number;
  load: number;
  rateRps: number;
  achievedRps: number;
  cpuMsPerS: number;
  /** Real CPU time over what the function's quotas allow (k x share of a real CPU). */
  quotaUsed: number;
  cpuUsPerExec: number;
  busyMsPerExec: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}
const rows: Row[] = [];
const runtimeFor = (delivery: Delivery, maxCpus: number): Promise<LocalFunctionRuntime> =>
  LocalFunctionRuntime.create({
    functionsDir: join(repoRoot, 'functions'),
    log: silentLogger(),
    cgroupRoot,
    sysfsRoot: '/sys',
    procRoot,
    cgroupSubtree: subtreeOf(delivery),
    topology: Array.from({ length: cpuCount }, (_, cpu) => ({ cpu, socket: emulatedSocketOf(profile, cpu) })),
    emulatedCpus: {
      realCpus: () => [0, 1],
      shareOf: (f, placement) => workerShare(profile, f, placement),
      carrier: !values['worker-per-cpu'],
      carrierCpus: maxCpus === 0 ? cpuCount : maxCpus,
      batchWakeups: delivery === 'batched',
      warmupMs: WORKER_WARMUP_MS,
    },
  });
const layoutName = (n: number): string => (values['worker-per-cpu'] ? 'worker per CPU' : n === 0 ? 'one carrier' : `carriers <= ${n}`);
for (const maxCpus of layouts) {
  const layout = layoutName(maxCpus);
  // One runtime per delivery, each in its own subtree, all holding the function: the deliveries take
  // turns at every cell, so that a change of the machine's load hits both alike.
  const rts = new Map<Delivery, LocalFunctionRuntime>();
  let version = 1n;
  try {
    for (const delivery of deliveries) rts.set(delivery, await runtimeFor(delivery, maxCpus));
    for (const k of coreList) {
      const share = workerShare(profile, fn, new Map([[fn, k]]));
      const carriers = maxCpus === 0 ? 1 : Math.ceil(k / maxCpus);
      const cpus = Array.from({ length: k }, (_, i) => i);
      // New workers warm at full speed first (WORKER_WARMUP_MS each, on this machine's CPUs).
      for (const rt of rts.values()) {
        const r = await rt.applyPlacement(version++, [{ function: fn, cpus, load: { kind: 'none' } }]);
        if (!r.ok) throw new Error(`${fn} on ${k} CPUs: ${r.error}`);
      }
      await sleep(carriers * WORKER_WARMUP_MS * rts.size);
      for (const u of loads) {
        const rateRps = u * truth.execPerSecPerCore * k;
        for (const [delivery, rt] of rts) {
          const load = rateRps > 0 ? ({ kind: 'rate', rateRps, arrival: 'constant' } as const) : ({ kind: 'none' } as const);
          const r = await rt.applyPlacement(version++, [{ function: fn, cpus, load }]);
          if (!r.ok) throw new Error(`${fn} on ${k} CPUs: ${r.error}`);
          await sleep(settleS * 1000);
          rt.resetTotals(fn);
          const before = await usageOf(delivery);
          await sleep(windowS * 1000);
          const after = await usageOf(delivery);
          const t = rt.totals(fn);
          // The next delivery's turn: this one idles (its workers stay, warm).
          const idle = await rt.applyPlacement(version++, [{ function: fn, cpus, load: { kind: 'none' } }]);
          if (!idle.ok) throw new Error(`${fn} on ${k} CPUs: ${idle.error}`);
          const cpuS = Number(after - before) / 1e9;
          const done = t?.completed ?? 0;
          rows.push({
            layout,
            delivery,
            cores: k,
            load: u,
            rateRps,
            achievedRps: done / windowS,
            cpuMsPerS: (cpuS / windowS) * 1000,
            quotaUsed: cpuS / windowS / (share * k),
            cpuUsPerExec: done > 0 ? (cpuS / done) * 1e6 : NaN,
            busyMsPerExec: done > 0 ? (cpuS / share / done) * 1000 : NaN,
            latencyP50Ms: t?.latencyP50Ms ?? NaN,
            latencyP95Ms: t?.latencyP95Ms ?? NaN,
          });
          process.stderr.write(`${fn} ${delivery} ${layout} k=${k} u=${u} (load average ${loadavg()[0]?.toFixed(1)}): ${JSON.stringify(rows.at(-1))}\n`);
        }
      }
      for (const rt of rts.values()) await rt.applyPlacement(version++, []);
    }
  } finally {
    for (const rt of rts.values()) await rt.close();
  }
}

await lowerWeight();

const table = new Table({
  style: { head: [], border: [] },
  head: [
    'delivery',
    'layout',
    'cores',
    'load',
    'offered/s',
    'achieved/s',
    'real CPU ms/s',
    'quota used',
    'real CPU µs/exec',
    'emulated busy ms/exec',
    'vs first k',
    'p50 / p95 ms',
    'CFS period ms',
  ],
});
for (const r of rows) {
  const base = rows.find((x) => x.load === r.load && x.layout === r.layout && x.delivery === r.delivery);
  const carrierCpus = Math.min(r.cores, r.layout === 'one carrier' ? r.cores : Number(/\d+/.exec(r.layout)?.[0] ?? 1));
  table.push([
    r.delivery,
    r.layout,
    r.cores,
    r.load,
    r.rateRps.toFixed(1),
    r.achievedRps.toFixed(1),
    r.cpuMsPerS.toFixed(2),
    `${(r.quotaUsed * 100).toFixed(0)} %`,
    r.cpuUsPerExec.toFixed(0),
    r.busyMsPerExec.toFixed(1),
    base && r.load > 0 ? (r.busyMsPerExec / base.busyMsPerExec).toFixed(3) : '',
    r.load > 0 ? `${r.latencyP50Ms.toFixed(0)} / ${r.latencyP95Ms.toFixed(0)}` : '',
    // The largest carrier's period (the longest hold of batched delivery).
    (cfsQuota(workerShare(profile, fn, new Map([[fn, r.cores]])) * Math.ceil(r.cores / Math.ceil(r.cores / carrierCpus))).periodUs / 1000).toFixed(0),
  ]);
}
process.stdout.write(
  `${fn} on emulated ${profile.name}; ground truth ${truth.execPerSecPerCore.toFixed(2)} exec/s per core, ` +
    `${((msToS(costMs) * 1000) / workerShare(profile, fn, new Map([[fn, 1]]))).toFixed(1)} busy ms/exec at saturation; load average ${loadavg()[0]?.toFixed(2)}\n`,
);
process.stdout.write(table.toString() + '\n');
