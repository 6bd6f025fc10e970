// One Node.js function worker under a small CFS quota, driven past its capacity: does it keep its
// throughput, or fall into the state where each execution costs several times its CPU?
//
// An emulated Altra carrier of jwt-node holds 4-9 emulated CPUs, about 2 % of one real CPU: it runs
// ~20 ms and is throttled ~980 ms of every 1 s CFS period. Such a worker, once behind (a full pipe),
// sometimes drops from ~50 to 2-15 executions per second for seconds to minutes at the same
// quota, its CPU per execution rising 5-15x (docs/experiments.md, "A throttled Node worker that
// falls behind"). This bench isolates that from the agent: it starts the function's harness
// directly (docs/design/worker-protocol.md), warms it at full speed in the harness, idles it, moves
// it into a cgroup v1 cpu controller with the given quota, and offers open-loop arrivals at a rate
// above what the quota allows, keeping at most --pipe requests in the worker's stdin like a
// carrier. Per window it reads the whole process's CPU time and minor page faults (/proc/PID/stat)
// and its resident memory. Variants are sets of V8/Node flags (and environment) for the worker,
// compared in the same run and interleaved per repeat so that drift of the machine favours none.
//
//   per window  completed/s, real CPU µs per execution, minor faults per execution, RSS
//   collapsed   a window whose CPU per execution is over --collapse-factor x the same worker's
//               first window (it did the same work at a fraction of the cost minutes earlier)
//
//   node --conditions=source --import tsx bench/throttled-harness.ts [--function jwt-node]
//        [--quota-ms 19.55] [--period-ms 1000] [--rate 80] [--duration 50] [--window 10]
//        [--idle 2] [--warmup-cpu-ms 2000] [--pipe 32] [--repeat 3]
//        [--variants "default;--predictable;--single-threaded"] [--collapse-factor 3]
//        [--cgroup-root /sys/fs/cgroup] [--procfs-root /proc]
// Needs root and the cgroup v1 cpu controller. Run it on a quiet machine: it uses ~2 % of one CPU
// per worker, but its collapses are about what the worker does with that 2 %.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Table from 'cli-table3';
import { badInput, numberListOption, numberOption, parseBenchArgs } from './lib/options.js';
import { procMemMb, procStat } from './lib/proc-usage.js';

const url = import.meta.url;
const values = parseBenchArgs(url, {
  function: { type: 'string', default: 'jwt-node', description: 'a Node.js function of functions/' },
  'quota-ms': { type: 'string', default: '19.55', description: 'CPU time per CFS period, ms (an emulated Altra jwt-node carrier of 5 CPUs)' },
  'period-ms': { type: 'string', default: '1000', description: 'CFS period, ms (the emulated carriers use 1000)' },
  rate: { type: 'string', default: '80', description: 'offered executions per second (open loop)' },
  duration: { type: 'string', default: '50', description: 'seconds of load per worker' },
  window: { type: 'string', default: '10', description: 'seconds per measured window' },
  idle: { type: 'string', default: '2', description: 'seconds idle between the warm-up and the load' },
  'warmup-cpu-ms': { type: 'string', default: '2000', description: 'full-speed warm-up in the harness, CPU ms' },
  'protocol-warmups': {
    type: 'string',
    default: '0',
    description: 'invocations through the protocol after the warm-up, at full speed; a list compares several (each crossed with every variant)',
  },
  'cpu-sets': {
    type: 'string',
    default: 'any',
    description: 'real CPUs each worker may run on (taskset lists separated by ";"; "any" = all), each crossed with every variant',
  },
  pipe: { type: 'string', default: '32', description: 'most requests in the worker at once' },
  repeat: { type: 'string', default: '3', description: 'workers per variant' },
  variants: {
    type: 'string',
    default: 'default;--predictable;--single-threaded',
    description: 'flag sets separated by ";", "default" = none; NAME=VALUE sets the environment',
  },
  'collapse-factor': { type: 'string', default: '3', description: 'a window costing this many times the first window is collapsed' },
  'cgroup-root': { type: 'string', default: '/sys/fs/cgroup', description: 'cgroup v1 mounts (the cpu controller is <root>/cpu)' },
  'procfs-root': { type: 'string', default: '/proc', description: "procfs, for the worker's CPU time, faults and memory" },
});
const fn = values.function;
const quotaMs = numberOption(url, 'quota-ms', values['quota-ms'], { min: 1 });
const periodMs = numberOption(url, 'period-ms', values['period-ms'], { min: 1, max: 1000 });
const rateRps = numberOption(url, 'rate', values.rate, { above: 0 });
const durationS = numberOption(url, 'duration', values.duration, { above: 0 });
const windowS = numberOption(url, 'window', values.window, { above: 0 });
const idleS = numberOption(url, 'idle', values.idle, { min: 0 });
const warmupCpuMs = numberOption(url, 'warmup-cpu-ms', values['warmup-cpu-ms'], { integer: true, min: 0 });
const protocolWarmups = numberListOption(url, 'protocol-warmups', values['protocol-warmups'], { integer: true, min: 0 });
const cpuSets = values['cpu-sets'].split(';').map((c) => c.trim());
const badSet = cpuSets.find((c) => c !== 'any' && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(c));
if (badSet !== undefined) badInput(url, `--cpu-sets: expected "any" or CPU lists like 1 or 0-1, got "${badSet}"`);
const pipe = numberOption(url, 'pipe', values.pipe, { integer: true, min: 1 });
const repeat = numberOption(url, 'repeat', values.repeat, { integer: true, min: 1 });
const collapseFactor = numberOption(url, 'collapse-factor', values['collapse-factor'], { above: 1 });
const cpuRoot = join(values['cgroup-root'], 'cpu');
const procRoot = values['procfs-root'];

interface Variant {
  readonly name: string;
  readonly flags: string[];
  readonly env: Record<string, string>;
  /** Invocations through the protocol after the in-harness warm-up (it never runs the I/O path). */
  readonly protocolWarmup: number;
  /** Real CPUs the worker's threads may run on (taskset list), or 'any'. */
  readonly cpuSet: string;
}
const flagSets = values.variants.split(';').map((raw) => {
  const words = raw
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '' && w !== 'default');
  const env = Object.fromEntries(words.filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  const flags = words.filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) badInput(url, `--variants: expected node flags (--x) or NAME=VALUE, got "${bad}"`);
  return { name: words.length === 0 ? 'default' : words.join(' '), flags, env };
});
const variants: Variant[] = flagSets.flatMap((f) =>
  protocolWarmups.flatMap((n) =>
    cpuSets.map((cpuSet) => ({
      ...f,
      name: `${f.name}${n === 0 ? '' : ` +${n} via protocol`}${cpuSet === 'any' ? '' : ` on CPU ${cpuSet}`}`,
      protocolWarmup: n,
      cpuSet,
    })),
  ),
);

const repoRoot = new URL('..', import.meta.url).pathname;
const fnDir = join(repoRoot, 'functions', fn);
const harness = join(repoRoot, 'functions', '_harness', 'node', 'harness.mjs');
if (!/^[a-z0-9][a-z0-9-]*$/.test(fn) || !existsSync(join(fnDir, 'index.mjs'))) {
  badInput(url, `--function: expected a Node.js function of functions/ (with index.mjs), got "${fn}"`);
}
if (!existsSync(join(cpuRoot, 'cpu.cfs_quota_us'))) {
  process.stderr.write(`bench/throttled-harness.ts: no cgroup v1 cpu controller at ${cpuRoot} (needs root and cgroup v1; --cgroup-root)\n`);
  process.exit(1);
}

/** A worker with its protocol pipes (stderr is dropped: the function's own prints). */
type Worker = ChildProcessByStdio<Writable, Readable, null>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The worker's CPU time (all threads), the kernel's part of it, minor faults and RSS. */
function sample(pid: number): { cpuMs: number; systemMs: number; minorFaults: number; rssMb: number } {
  const st = procStat(pid, procRoot);
  return { cpuMs: (st.userS + st.systemS) * 1000, systemMs: st.systemS * 1000, minorFaults: st.minorFaults, rssMb: procMemMb(pid, procRoot).rssMb };
}

interface WindowRow {
  readonly variant: string;
  readonly worker: number;
  readonly startS: number;
  readonly completedPerS: number;
  readonly cpuUsPerExec: number;
  readonly faultsPerExec: number;
  /** Share of the window's CPU time spent in the kernel (stime over utime + stime). */
  readonly systemShare: number;
  readonly rssMb: number;
}

/** The worker's side of the line protocol: requests by id, answers matched back. */
class HarnessClient {
  private nextId = 0;
  private readonly waiting = new Map<string, (status: string) => void>();
  readonly ready: Promise<void>;

  constructor(readonly child: Worker) {
    let onReady: () => void = () => {};
    let onFail: (err: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    // A worker that cannot start (no taskset, a bad node flag) fails the run with why, not a hang.
    child.once('error', (err) => onFail(new Error(`${fn}: cannot start its worker: ${err.message}`)));
    child.once('exit', (code, signal) => onFail(new Error(`${fn}: worker exited before it was ready (${signal ?? `code ${code}`})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [id, status] = line.split('\t');
      if (id === 'ready') return onReady();
      const w = this.waiting.get(id ?? '');
      if (w === undefined) return;
      this.waiting.delete(id ?? '');
      w(status ?? '');
    });
  }

  call(kind: string, payload: string): Promise<string> {
    const id = String(++this.nextId);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${id}\t${kind}\t${payload}\n`);
    });
  }
}

/** The worker and cgroup of the moment, removed on Ctrl-C too (nothing left behind). */
let current: { child: Worker; cg: string } | undefined;
process.once('SIGINT', () => {
  if (current !== undefined) {
    current.child.kill('SIGKILL');
    current.child.once('exit', () => {
      if (current !== undefined) rmdirSync(current.cg);
      process.exit(130);
    });
  } else process.exit(130);
});

async function runWorker(variant: Variant, worker: number): Promise<WindowRow[]> {
  const cg = join(cpuRoot, `isawatt-bench-throttled-${process.pid}-${worker}`);
  mkdirSync(cg);
  const argv = [process.execPath, ...variant.flags, '--max-old-space-size=96', harness, fnDir, 'index.mjs'];
  if (variant.cpuSet !== 'any') argv.unshift('taskset', '-c', variant.cpuSet);
  const [command = '', ...args] = argv;
  const child = spawn(command, args, {
    cwd: fnDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/tmp', ...variant.env },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((r) => {
    child.once('exit', () => r());
    child.once('error', () => r());
  });
  current = { child, cg };
  const rows: WindowRow[] = [];
  let arrivals: NodeJS.Timeout | undefined;
  try {
    const client = new HarnessClient(child);
    await client.ready;
    const warm = await client.call('warmup', `1 ${warmupCpuMs} ${warmupCpuMs * 10}`);
    if (warm !== 'ok') throw new Error(`${fn} (${variant.name}): warm-up answered ${warm}`);
    for (let i = 0; i < variant.protocolWarmup; i++) await client.call('seed', '1');
    await sleep(idleS * 1000);
    writeFileSync(join(cg, 'cpu.cfs_period_us'), String(Math.round(periodMs * 1000)));
    writeFileSync(join(cg, 'cpu.cfs_quota_us'), String(Math.round(quotaMs * 1000)));
    writeFileSync(join(cg, 'cgroup.procs'), String(child.pid));

    let backlog = 0;
    let inFlight = 0;
    let completed = 0;
    const pump = (): void => {
      while (backlog > 0 && inFlight < pipe) {
        backlog--;
        inFlight++;
        void client.call('seed', '1').then(() => {
          inFlight--;
          completed++;
          pump();
        });
      }
    };
    arrivals = setInterval(() => {
      backlog++;
      pump();
    }, 1000 / rateRps);
    const windows = Math.max(1, Math.floor(durationS / windowS));
    let before = { ...sample(child.pid ?? 0), completed };
    for (let w = 0; w < windows; w++) {
      await sleep(windowS * 1000);
      const now = { ...sample(child.pid ?? 0), completed };
      const n = Math.max(1, now.completed - before.completed);
      rows.push({
        variant: variant.name,
        worker,
        startS: w * windowS,
        completedPerS: (now.completed - before.completed) / windowS,
        cpuUsPerExec: ((now.cpuMs - before.cpuMs) * 1000) / n,
        faultsPerExec: (now.minorFaults - before.minorFaults) / n,
        systemShare: (now.systemMs - before.systemMs) / Math.max(1, now.cpuMs - before.cpuMs),
        rssMb: now.rssMb,
      });
      before = now;
    }
  } finally {
    if (arrivals !== undefined) clearInterval(arrivals);
    child.stdin.end();
    child.kill('SIGKILL');
    await exited;
    rmdirSync(cg);
    current = undefined;
  }
  return rows;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

console.log(
  `${fn}: quota ${quotaMs} ms per ${periodMs} ms period, offered ${rateRps}/s, ${durationS} s per worker in ${windowS} s windows, ` +
    `pipe ${pipe}, ${repeat} worker(s) per variant; load average ${loadavg()[0]?.toFixed(2)}`,
);
const all: WindowRow[] = [];
let workerNo = 0;
for (let r = 0; r < repeat; r++) {
  for (const v of variants) {
    const rows = await runWorker(v, workerNo++).catch((err: unknown) => {
      process.stderr.write(`bench/throttled-harness.ts: ${v.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
    all.push(...rows);
    console.log(
      `${v.name} #${r + 1}: ${rows.map((w) => `${w.completedPerS.toFixed(1)}/s ${Math.round(w.cpuUsPerExec)} µs ${w.faultsPerExec.toFixed(1)} flt ${Math.round(w.systemShare * 100)} % sys`).join(' | ')}`,
    );
  }
}

const table = new Table({
  style: { head: [], border: [] },
  head: [
    'variant',
    'workers',
    'windows',
    'collapsed windows',
    'workers collapsed',
    'completed/s (median)',
    'µs/exec healthy',
    'µs/exec collapsed',
    'faults/exec healthy',
    'faults/exec collapsed',
    'kernel share healthy',
    'kernel share collapsed',
  ],
});
for (const v of variants) {
  const rows = all.filter((w) => w.variant === v.name);
  const byWorker = new Map<number, WindowRow[]>();
  for (const w of rows) byWorker.set(w.worker, [...(byWorker.get(w.worker) ?? []), w]);
  const healthy: WindowRow[] = [];
  const collapsed: WindowRow[] = [];
  let workersCollapsed = 0;
  for (const ws of byWorker.values()) {
    const first = ws[0]?.cpuUsPerExec ?? NaN;
    const bad = ws.filter((w) => w.cpuUsPerExec > collapseFactor * first);
    if (bad.length > 0) workersCollapsed++;
    collapsed.push(...bad);
    healthy.push(...ws.filter((w) => !bad.includes(w)));
  }
  const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  table.push([
    v.name,
    byWorker.size,
    rows.length,
    collapsed.length,
    workersCollapsed,
    fmt(median(rows.map((w) => w.completedPerS)), 1),
    fmt(median(healthy.map((w) => w.cpuUsPerExec))),
    fmt(median(collapsed.map((w) => w.cpuUsPerExec))),
    fmt(median(healthy.map((w) => w.faultsPerExec)), 1),
    fmt(median(collapsed.map((w) => w.faultsPerExec)), 1),
    `${fmt(median(healthy.map((w) => w.systemShare * 100)))} %`,
    `${fmt(median(collapsed.map((w) => w.systemShare * 100)))} %`,
  ]);
}
console.log(table.toString());
