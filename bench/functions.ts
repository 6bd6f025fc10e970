// Benchmark of the workload suite: for each function, one warm worker started through its runtime
// harness (as the agent starts it) is driven back to back with its seeded input for a few seconds.
// Reports the time inside the handler per invocation, the worker's CPU time per invocation (its
// own threads plus the child processes it waited for, e.g. ffmpeg, from /proc/<pid>/stat), and
// from that the invocations per second one core sustains.
//
//   node --conditions=source --import tsx bench/functions.ts [--duration S] [--warmup S] [--json FILE] [--markdown FILE]
//     [--share S [--cgroup-root DIR]] [NAME...]
// Defaults: 3 s measured after a 2 s warm-up (the JVM needs about that to compile the hot paths).
// --share S: after the warm-up, the worker runs under the CFS bandwidth an emulated host gives a
// worker of that share of a real CPU (runtime/pinning.ts cfsQuota: same run length, period = run /
// share), for another warm-up and the measurement (16 requests pipelined, as the agent feeds a
// carrier worker); its CPU time is then read from its own cpuacct
// cgroup (ns, children included). This is the cost the emulator enforces speed factors against
// (docs/emulation.md, "Ground truth"): pass the JSON to `isawatt-agent emulation models --cost`.
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { procCpuS } from './lib/proc-usage.js';
import { arch, cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { mkdirSync, rmdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, functionsDir, readFunctionYaml } from '../functions/test-helpers/harness-client.js';
import { cfsQuota } from '../packages/agent/src/runtime/pinning.js';
import { numberOption, parseBenchCommandLine } from './lib/options.js';

interface Row {
  function: string;
  runtime: string;
  category: string;
  invocations: number;
  errors: number;
  handlerMeanMs: number;
  handlerP50Ms: number;
  wallPerInvocationMs: number;
  cpuPerInvocationMs: number;
  perCoreRps: number;
}

interface Args {
  durationS: number;
  warmupS: number;
  json?: string;
  markdown?: string;
  share?: number;
  cgroupRoot: string;
  names: string[];
}

function args(): Args {
  const url = import.meta.url;
  const { values, positionals } = parseBenchCommandLine(
    url,
    {
      duration: { type: 'string', default: '3', description: 'measured seconds per function' },
      warmup: { type: 'string', default: '2', description: 'warm-up seconds per function' },
      json: { type: 'string', description: 'also write the figures to this JSON file' },
      markdown: { type: 'string', description: 'also write the table to this Markdown file' },
      share: { type: 'string', description: 'run each worker under a CFS quota of this share of one real CPU, (0, 1]' },
      'cgroup-root': { type: 'string', default: '/sys/fs/cgroup', description: 'cgroup filesystem root (for --share)' },
    },
    { name: 'FUNCTION...', description: 'functions to measure (default: every built function)' },
  );
  return {
    durationS: numberOption(url, 'duration', values.duration, { above: 0 }),
    warmupS: numberOption(url, 'warmup', values.warmup, { min: 0 }),
    json: values.json,
    markdown: values.markdown,
    ...(values.share !== undefined ? { share: numberOption(url, 'share', values.share, { above: 0, max: 1 }) } : {}),
    cgroupRoot: values['cgroup-root'],
    names: positionals,
  };
}

function allFunctions(): string[] {
  return readdirSync(functionsDir)
    .filter((n) => !n.startsWith('_') && !n.startsWith('test-') && existsSync(join(functionsDir, n, 'function.yaml')))
    .sort();
}

/** A worker's own cpu + cpuacct cgroups (cgroup v1) under a CFS quota: an emulated worker's slice. */
class Slice {
  private readonly dirs: string[];
  constructor(root: string, pid: number, share: number) {
    const name = `isawatt-bench-cost-${process.pid}`;
    this.dirs = [join(root, 'cpu', name), join(root, 'cpuacct', name)];
    for (const d of this.dirs) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'cgroup.procs'), String(pid));
    }
    const q = cfsQuota(share);
    writeFileSync(join(this.dirs[0]!, 'cpu.cfs_period_us'), String(q.periodUs));
    writeFileSync(join(this.dirs[0]!, 'cpu.cfs_quota_us'), String(q.quotaUs));
  }
  /** CPU seconds of everything in the slice (ns counter: no 10 ms ticks). */
  cpuSeconds(): number {
    return Number(readFileSync(join(this.dirs[1]!, 'cpuacct.usage'), 'utf8').trim()) / 1e9;
  }
  /** Lifts the quota (the worker then exits at full speed); removes the cgroups once it is gone. */
  liftQuota(): void {
    writeFileSync(join(this.dirs[0]!, 'cpu.cfs_quota_us'), '-1');
  }
  async remove(): Promise<void> {
    for (const d of this.dirs) {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(d);
          break;
        } catch {
          await sleep(100);
        }
      }
    }
  }
}

async function benchOne(name: string, durationS: number, warmupS: number, share: number | undefined, cgroupRoot: string): Promise<Row> {
  const fn = readFunctionYaml(name);
  const seed = fn.input?.seed ?? 1;
  const w = await Worker.start(name, 120_000);
  let slice: Slice | undefined;
  try {
    const first = await w.invokeSeed(seed); // generates and caches the input
    if (!first.ok) throw new Error(`${name}: ${first.error}`);
    const warmEnd = Date.now() + warmupS * 1000;
    const warmStart = Date.now();
    let warmN = 0;
    for (; Date.now() < warmEnd; warmN++) await w.invokeSeed(seed);
    const fullSpeedMs = (Date.now() - warmStart) / Math.max(1, warmN);
    if (share !== undefined) {
      // Warm up again under the slice: at least two periods and two invocations.
      slice = new Slice(cgroupRoot, w.pid, share);
      const sliceWarmEnd = Date.now() + Math.max(2 * (cfsQuota(share).periodUs / 1000), warmupS * 1000);
      for (let i = 0; Date.now() < sliceWarmEnd || i < 2; i++) await w.invokeSeed(seed, 600_000);
    }
    const cpuOf = (): number => (slice !== undefined ? slice.cpuSeconds() : procCpuS(w.pid, true));

    const handlerUs: number[] = [];
    let errors = 0;
    const cpu0 = cpuOf();
    const t0 = process.hrtime.bigint();
    const end = Date.now() + durationS * 1000;
    // Under a slice, requests are pipelined as the agent feeds a carrier worker (up to 16 waiting in
    // its pipe): the worker never idles for the bench's round trip, so its quota binds.
    // Enough to cover about half a second of the slice's work (at least 2, at most 16): a slow
    // function at 5 % takes seconds per invocation, and 16 of them would outlast the window.
    const lanes = slice !== undefined && share !== undefined ? Math.max(2, Math.min(16, Math.floor((500 * share) / Math.max(fullSpeedMs, 1e-3)))) : 1;
    const timeoutMs = slice !== undefined ? 600_000 : 60_000;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (Date.now() < end || handlerUs.length < 3) {
          const r = await w.invokeSeed(seed, timeoutMs);
          if (!r.ok) errors++;
          handlerUs.push(r.durationUs);
        }
      }),
    );
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuS = cpuOf() - cpu0;
    const n = handlerUs.length;
    const sorted = [...handlerUs].sort((a, b) => a - b);
    const cpuPerInvocationMs = (cpuS * 1000) / n;
    return {
      function: name,
      runtime: fn.runtime,
      category: fn.category,
      invocations: n,
      errors,
      handlerMeanMs: handlerUs.reduce((s, d) => s + d, 0) / n / 1000,
      handlerP50Ms: (sorted[Math.floor(n / 2)] ?? 0) / 1000,
      wallPerInvocationMs: (wallS * 1000) / n,
      cpuPerInvocationMs,
      // CPU time is counted in 10 ms ticks: below a few ticks over the run, fall back to wall time
      // (one worker is single-threaded, so wall time bounds its CPU time from above).
      perCoreRps: cpuS >= 0.2 || slice !== undefined ? n / cpuS : n / wallS,
    };
  } finally {
    slice?.liftQuota();
    await w.close();
    await slice?.remove();
  }
}

async function main(): Promise<void> {
  const { durationS, warmupS, json, markdown, share, cgroupRoot, names } = args();
  const list = names.length > 0 ? names : allFunctions();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`workload benchmark on ${hostname()} (${arch()}, ${cpus().length} CPUs, ${cpu}), node ${process.version}`);
  console.log(`one warm worker per function, seeded input, ${warmupS} s warm-up, ${durationS} s measured`);
  if (share !== undefined) {
    const q = cfsQuota(share);
    console.log(`under an emulated worker's slice: ${share} of a real CPU (CFS quota ${q.quotaUs} us per ${q.periodUs} us), CPU time from its cpuacct cgroup`);
  }
  console.log('');
  const rows: Row[] = [];
  for (const name of list) {
    const row = await benchOne(name, durationS, warmupS, share, cgroupRoot);
    rows.push(row);
    console.error(`  ${name}: ${row.handlerMeanMs.toFixed(3)} ms/invocation, ${row.perCoreRps.toFixed(1)} invocations/s per core`);
  }
  const table = new Table({
    style: { head: [], border: [] },
    head: ['function', 'runtime', 'category', 'n', 'err', 'handler mean ms', 'handler p50 ms', 'wall ms/inv', 'CPU ms/inv', 'inv/s per core'],
  });
  const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  for (const r of rows) {
    table.push([
      r.function,
      r.runtime,
      r.category,
      r.invocations,
      r.errors,
      fmt(r.handlerMeanMs),
      fmt(r.handlerP50Ms),
      fmt(r.wallPerInvocationMs),
      fmt(r.cpuPerInvocationMs),
      fmt(r.perCoreRps),
    ]);
  }
  console.log(table.toString());
  if (json) {
    writeFileSync(
      json,
      JSON.stringify({ host: hostname(), arch: arch(), cpu, node: process.version, durationS, warmupS, share: share ?? null, rows }, null, 2) + '\n',
    );
    console.log(`wrote ${json}`);
  }
  if (markdown) {
    const lines = [
      `Measured by \`bench/functions.ts\` on ${hostname()} (${arch()}, ${cpus().length} CPUs, ${cpu}), node ${process.version}, ${new Date().toISOString().slice(0, 16)} UTC; load average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}.`,
      '',
      '| function | runtime | handler mean ms | handler p50 ms | CPU ms/invocation | invocations/s per core |',
      '|---|---|---:|---:|---:|---:|',
      ...rows.map(
        (r) => `| ${r.function} | ${r.runtime} | ${fmt(r.handlerMeanMs)} | ${fmt(r.handlerP50Ms)} | ${fmt(r.cpuPerInvocationMs)} | ${fmt(r.perCoreRps)} |`,
      ),
    ];
    writeFileSync(markdown, lines.join('\n') + '\n');
    console.log(`wrote ${markdown}`);
  }
  if (rows.some((r) => r.errors > 0)) process.exitCode = 1;
}

await main();
