// Dispatch overhead of the function runtime: what the agent adds around a function call.
// For each runtime, one worker of functions/test-<runtime> is started exactly as the agent starts
// it (its own cgroup, pinned to one CPU, unprivileged) and driven with {"op":"noop"} through
// LocalFunctionRuntime.invoke, the path of the invoke endpoint and the load driver:
//   round trip   agent-side time from submit to answer (queue, pipe write, harness parse, handler,
//                result line, parse), one request at a time;
//   in handler   the time the harness measured inside the function;
//   overhead     round trip minus in handler: dispatch cost per invocation;
//   vs direct    round trip minus a direct in-process call of the same no-op (the Node test
//                function imported into this process), the baseline a function pays anyway;
//   throughput   no-op invocations/s of one worker (= one core) with a second request always
//                waiting, so the worker never idles between calls.
//
//   node --conditions=source --import tsx bench/dispatch-overhead.ts [--calls N] [--duration S] [--json FILE] [RUNTIME...]
// Needs root (cgroups; workers run as nobody). Defaults: 20000 timed calls after 3000 warm-up
// calls (the JVM compiles hot paths meanwhile), 3 s throughput per runtime.
import { writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import * as hdr from 'hdr-histogram-js';
import { silentLogger } from '@isawatt/common';
import { LocalFunctionRuntime } from '../packages/agent/src/runtime/local-function-runtime.js';
import { badInput, numberOption, parseBenchCommandLine } from './lib/options.js';

const RUNTIMES = ['node', 'python', 'java', 'native', 'wasm'] as const;
const repoRoot = new URL('..', import.meta.url).pathname;
const functionsDir = join(repoRoot, 'functions');
const NOOP = '{"op":"noop"}';

interface Row {
  runtime: string;
  calls: number;
  roundTripMeanUs: number;
  roundTripP50Us: number;
  roundTripP99Us: number;
  handlerMeanUs: number;
  overheadMeanUs: number;
  vsDirectUs: number;
  throughputPerCoreRps: number;
}

function args(): { calls: number; durationS: number; json?: string; runtimes: string[] } {
  const url = import.meta.url;
  const { values, positionals } = parseBenchCommandLine(
    url,
    {
      calls: { type: 'string', default: '20000', description: 'direct calls measured for the in-process baseline' },
      duration: { type: 'string', default: '3', description: 'seconds per runtime' },
      json: { type: 'string', description: 'also write the figures to this JSON file' },
    },
    { name: 'RUNTIME...', description: `runtimes to measure (${RUNTIMES.join(', ')}; default all)` },
  );
  for (const r of positionals) if (!(RUNTIMES as readonly string[]).includes(r)) badInput(url, `unknown runtime "${r}" (expected ${RUNTIMES.join(', ')})`);
  return {
    calls: numberOption(url, 'calls', values.calls, { integer: true, min: 100 }),
    durationS: numberOption(url, 'duration', values.duration, { above: 0 }),
    ...(values.json !== undefined ? { json: values.json } : {}),
    runtimes: positionals.length > 0 ? positionals : [...RUNTIMES],
  };
}

/** Mean µs of a direct in-process call of the Node test function's no-op. */
async function directCallUs(calls: number): Promise<number> {
  const mod = (await import(pathToFileURL(join(functionsDir, 'test-node', 'index.mjs')).href)) as { handler: (i: unknown) => Promise<unknown> };
  const input = JSON.parse(NOOP) as unknown;
  for (let i = 0; i < 3000; i++) await mod.handler(input);
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) JSON.stringify(await mod.handler(JSON.parse(NOOP)));
  return ((performance.now() - t0) * 1000) / calls;
}

async function measure(rt: LocalFunctionRuntime, fn: string, calls: number, durationS: number, directUs: number): Promise<Row> {
  const call = async (): Promise<number> => {
    const r = await rt.invoke(fn, NOOP);
    if (r.status !== 'ok') throw new Error(`${fn}: ${r.status}: ${'message' in r ? r.message : ''}`);
    return r.durationUs;
  };
  for (let i = 0; i < 3000; i++) await call();
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  let handlerUs = 0;
  let totalUs = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    handlerUs += await call();
    const us = (performance.now() - t0) * 1000;
    totalUs += us;
    h.recordValue(Math.max(1, Math.round(us)));
  }
  // Throughput: two requests in flight on one worker (one running, one waiting in the queue).
  let done = 0;
  const end = performance.now() + durationS * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all([loop(), loop()]);
  const elapsedS = (performance.now() - t0) / 1000;
  const row: Row = {
    runtime: fn.replace(/^test-/, ''),
    calls,
    roundTripMeanUs: totalUs / calls,
    roundTripP50Us: h.getValueAtPercentile(50),
    roundTripP99Us: h.getValueAtPercentile(99),
    handlerMeanUs: handlerUs / calls,
    overheadMeanUs: (totalUs - handlerUs) / calls,
    vsDirectUs: totalUs / calls - directUs,
    throughputPerCoreRps: done / elapsedS,
  };
  h.destroy();
  return row;
}

async function main(): Promise<void> {
  const opts = args();
  if (process.getuid?.() !== 0) throw new Error('run as root: workers are placed in cgroups and run as nobody');
  const rt = await LocalFunctionRuntime.create({
    functionsDir,
    log: silentLogger(),
    cgroupRoot: '/sys/fs/cgroup',
    sysfsRoot: '/sys',
    procRoot: '/proc',
    cgroupSubtree: `isawatt-bench-${process.pid}`,
    queuePerWorker: 4,
  });
  try {
    const usable = rt.usableCpus();
    const cpu = usable[usable.length - 1];
    if (cpu === undefined) throw new Error('no usable CPU');
    const directUs = await directCallUs(opts.calls);
    const rows: Row[] = [];
    for (const runtime of opts.runtimes) {
      const fn = `test-${runtime}`;
      const entry = rt.catalogueData.get(fn);
      if (entry === undefined || !entry.runnable) {
        process.stderr.write(`skipping ${fn}: ${entry?.unavailableReason ?? 'not in the catalogue'} (run functions/build.sh)\n`);
        continue;
      }
      const r = await rt.applyPlacement(BigInt(rows.length + 1), [{ function: fn, cpus: [cpu], load: { kind: 'none' } }]);
      if (!r.ok) throw new Error(`${fn}: ${r.error}`);
      rows.push(await measure(rt, fn, opts.calls, opts.durationS, directUs));
      await rt.applyPlacement(BigInt(rows.length + 100), []);
    }
    const table = new Table({
      style: { head: [], border: [] },
      head: ['runtime', 'round trip mean µs', 'p50 µs', 'p99 µs', 'in handler µs', 'overhead µs', 'vs direct µs', 'no-op/s per core'],
    });
    for (const r of rows) {
      table.push([
        r.runtime,
        r.roundTripMeanUs.toFixed(1),
        r.roundTripP50Us.toFixed(0),
        r.roundTripP99Us.toFixed(0),
        r.handlerMeanUs.toFixed(1),
        r.overheadMeanUs.toFixed(1),
        r.vsDirectUs.toFixed(1),
        r.throughputPerCoreRps.toFixed(0),
      ]);
    }
    const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(`dispatch overhead, no-op function, one worker pinned to CPU ${cpu} (${rt.pinning}), agent process unpinned\n`);
    process.stdout.write(
      `host ${hostname()}, ${cpuModel}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)}; direct in-process call of the no-op: ${directUs.toFixed(2)} µs\n`,
    );
    process.stdout.write(table.toString() + '\n');
    if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify({ cpu, pinning: rt.pinning, directUs, rows }, null, 2) + '\n');
  } finally {
    await rt.close();
  }
}

await main();
