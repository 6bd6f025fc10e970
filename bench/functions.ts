// Benchmark of the workload suite: for each function, one warm worker started through its runtime
// harness (as the agent starts it) is driven back to back with its seeded input for a few seconds.
// Reports the time inside the handler per invocation, the worker's CPU time per invocation (its
// own threads plus the child processes it waited for, e.g. ffmpeg, from /proc/<pid>/stat), and
// from that the invocations per second one core sustains.
//
//   node --conditions=source --import tsx bench/functions.ts [--duration S] [--warmup S] [--json FILE] [--markdown FILE] [NAME...]
// Defaults: 3 s measured after a 2 s warm-up (the JVM needs about that to compile the hot paths).
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { arch, cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Worker, functionsDir, readFunctionYaml } from '../functions/test-helpers/harness-client.js';

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

function args(): { durationS: number; warmupS: number; json?: string; markdown?: string; names: string[] } {
  const argv = process.argv.slice(2);
  let durationS = 3;
  let warmupS = 2;
  let json: string | undefined;
  let markdown: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--duration') durationS = Number(value());
    else if (a === '--warmup') warmupS = Number(value());
    else if (a === '--json') json = value();
    else if (a === '--markdown') markdown = value();
    else if (a.startsWith('-')) throw new Error(`unknown option ${a} (expected --duration S, --warmup S, --json FILE, --markdown FILE)`);
    else names.push(a);
  }
  if (!(durationS > 0) || !(warmupS >= 0)) throw new Error('--duration must be > 0 and --warmup >= 0 seconds');
  return { durationS, warmupS, json, markdown, names };
}

const CLK_TCK = 100; // USER_HZ on Linux: /proc/<pid>/stat times are in 1/100 s

/** CPU seconds of a process and its waited-for children (utime + stime + cutime + cstime). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / CLK_TCK;
}

function allFunctions(): string[] {
  return readdirSync(functionsDir)
    .filter((n) => !n.startsWith('_') && !n.startsWith('test-') && existsSync(join(functionsDir, n, 'function.yaml')))
    .sort();
}

async function benchOne(name: string, durationS: number, warmupS: number): Promise<Row> {
  const fn = readFunctionYaml(name);
  const seed = fn.input?.seed ?? 1;
  const w = await Worker.start(name, 120_000);
  try {
    const first = await w.invokeSeed(seed); // generates and caches the input
    if (!first.ok) throw new Error(`${name}: ${first.error}`);
    const warmEnd = Date.now() + warmupS * 1000;
    while (Date.now() < warmEnd) await w.invokeSeed(seed);

    const handlerUs: number[] = [];
    let errors = 0;
    const cpu0 = cpuSeconds(w.pid);
    const t0 = process.hrtime.bigint();
    const end = Date.now() + durationS * 1000;
    while (Date.now() < end || handlerUs.length < 3) {
      const r = await w.invokeSeed(seed);
      if (!r.ok) errors++;
      handlerUs.push(r.durationUs);
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuS = cpuSeconds(w.pid) - cpu0;
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
      perCoreRps: cpuS >= 0.2 ? n / cpuS : n / wallS,
    };
  } finally {
    await w.close();
  }
}

async function main(): Promise<void> {
  const { durationS, warmupS, json, markdown, names } = args();
  const list = names.length > 0 ? names : allFunctions();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`workload benchmark on ${hostname()} (${arch()}, ${cpus().length} CPUs, ${cpu}), node ${process.version}`);
  console.log(`one warm worker per function, seeded input, ${warmupS} s warm-up, ${durationS} s measured\n`);
  const rows: Row[] = [];
  for (const name of list) {
    const row = await benchOne(name, durationS, warmupS);
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
    writeFileSync(json, JSON.stringify({ host: hostname(), arch: arch(), cpu, node: process.version, durationS, warmupS, rows }, null, 2) + '\n');
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
