// Benchmark of the coordinator's telemetry ingest: a real `isawatt coordinator` process and N
// simulated agents (FakeAgent: real AgentLink gRPC clients in this process) each sending one
// report per second with F functions. After a warm-up it measures, for D seconds: reports sent and
// ingested (from the coordinator's /metrics), reports/s, the backlog at the end (sent - ingested:
// > N means the coordinator is falling behind), and the coordinator's CPU (utime+stime from
// /proc/<pid>/stat, as % of one core) and memory (VmRSS / VmHWM from /proc/<pid>/status).
// The agents share the machine with the coordinator, so their own CPU and the 1-minute load
// average are printed too: a backlog with a busy bench process or a high load is the client or
// the machine falling behind, not necessarily the coordinator.
//
//   node --conditions=source --import tsx bench/telemetry-ingest.ts [--agents 10,50,100]
//        [--functions 200] [--duration 20] [--warmup 5] [--json FILE]
import { writeFileSync } from 'node:fs';
import { procCpuS, procMemMb } from './lib/proc-usage.js';
import { numberListOption, numberOption, parseBenchArgs } from './lib/options.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAgent } from '../test/helpers/fake-agent.js';
import { freePort, startCoordinator, type Proc } from '../test/helpers/processes.js';

interface Args {
  agents: number[];
  functions: number;
  durationS: number;
  warmupS: number;
  json?: string;
}

function parseArgs(): Args {
  const url = import.meta.url;
  const v = parseBenchArgs(url, {
    agents: { type: 'string', default: '10,50,100', description: 'agent counts, one phase each' },
    functions: { type: 'string', default: '200', description: 'functions per agent' },
    duration: { type: 'string', default: '20', description: 'measured seconds per phase' },
    warmup: { type: 'string', default: '5', description: 'warm-up seconds per phase' },
    json: { type: 'string', description: 'also write the figures to this JSON file' },
  });
  return {
    agents: numberListOption(url, 'agents', v.agents, { integer: true, min: 1 }),
    functions: numberOption(url, 'functions', v.functions, { integer: true, min: 1 }),
    durationS: numberOption(url, 'duration', v.duration, { above: 0 }),
    warmupS: numberOption(url, 'warmup', v.warmup, { above: 0 }),
    ...(v.json !== undefined ? { json: v.json } : {}),
  };
}

async function ingestedTotal(metricsPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  const text = await res.text();
  const m = /^isawatt_coordinator_reports_ingested_total (\d+)/m.exec(text);
  if (!m) throw new Error('metrics: isawatt_coordinator_reports_ingested_total not found');
  return Number(m[1]);
}

interface Result {
  agents: number;
  functions: number;
  durationS: number;
  sent: number;
  ingested: number;
  reportsPerS: number;
  expectedPerS: number;
  backlogAtEnd: number;
  coordinatorCpuPctOfOneCore: number;
  /** CPU of this process (the simulated agents), to tell a starved client from a slow coordinator. */
  agentsCpuPctOfOneCore: number;
  rssMbStart: number;
  rssMbEnd: number;
  peakRssMb: number;
  loadAvg1: number;
}

const cleanups: (() => unknown)[] = [];
const cleanup = { after: (fn: () => unknown) => void cleanups.push(fn) };

async function runOne(n: number, args: Args): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-ingest-'));
  const port = await freePort();
  const metricsPort = await freePort();
  let coordinator: Proc | undefined;
  const agents: FakeAgent[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    // Info level: startCoordinator waits for the "listening" line; per-report logging is debug.
    coordinator = await startCoordinator(cleanup, {
      port,
      stateDir: join(dir, 'state'),
      args: ['--log-level', 'info', '--metrics-listen', `127.0.0.1:${metricsPort}`, '--host-down-after-ms', '10000'],
    });
    const pid = coordinator.child.pid;
    if (pid === undefined) throw new Error('coordinator has no pid');
    for (let i = 0; i < n; i++) {
      const a = new FakeAgent({
        address: `127.0.0.1:${port}`,
        hostId: `sim-${String(i).padStart(4, '0')}`,
        functions: args.functions,
        functionCpus: 60,
        physicalCores: 64,
      });
      agents.push(a);
      await a.attach();
    }
    let sent = 0;
    // 1 Hz per agent, spread evenly over the second as real agents' clocks would be.
    agents.forEach((a, i) => {
      const start = setTimeout(
        () => {
          const t = setInterval(() => {
            a.tick(1000);
            sent++;
          }, 1000);
          timers.push(t);
        },
        Math.floor((i * 1000) / n),
      );
      timers.push(start);
    });
    await new Promise((r) => setTimeout(r, args.warmupS * 1000));
    const sent0 = sent;
    const ingested0 = await ingestedTotal(metricsPort);
    const cpu0 = procCpuS(pid);
    const self0 = process.cpuUsage();
    const mem0 = procMemMb(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, args.durationS * 1000));
    const ingested1 = await ingestedTotal(metricsPort);
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu1 = procCpuS(pid);
    const self1 = process.cpuUsage(self0);
    const mem1 = procMemMb(pid);
    const sent1 = sent;
    return {
      agents: n,
      functions: args.functions,
      durationS: Number(elapsedS.toFixed(2)),
      sent: sent1 - sent0,
      ingested: ingested1 - ingested0,
      reportsPerS: Number(((ingested1 - ingested0) / elapsedS).toFixed(1)),
      expectedPerS: n,
      backlogAtEnd: sent1 - ingested1,
      coordinatorCpuPctOfOneCore: Number((((cpu1 - cpu0) / elapsedS) * 100).toFixed(1)),
      agentsCpuPctOfOneCore: Number((((self1.user + self1.system) / 1e6 / elapsedS) * 100).toFixed(1)),
      rssMbStart: Number(mem0.rssMb.toFixed(1)),
      rssMbEnd: Number(mem1.rssMb.toFixed(1)),
      peakRssMb: Number(mem1.hwmMb.toFixed(1)),
      loadAvg1: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
  } finally {
    for (const t of timers) clearInterval(t);
    for (const a of agents) a.close();
    if (coordinator) await coordinator.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs();
  const results: Result[] = [];
  for (const n of args.agents) {
    process.stderr.write(`telemetry-ingest: ${n} agents x ${args.functions} functions at 1 Hz, warm-up ${args.warmupS} s, measuring ${args.durationS} s...\n`);
    results.push(await runOne(n, args));
  }
  console.log('\ntelemetry-ingest (coordinator process; simulated agents are FakeAgent gRPC clients in the bench process)');
  console.table(
    results.map((r) => ({
      agents: r.agents,
      functions: r.functions,
      'reports/s ingested': r.reportsPerS,
      'reports/s expected': r.expectedPerS,
      'backlog at end': r.backlogAtEnd,
      'coordinator CPU % of 1 core': r.coordinatorCpuPctOfOneCore,
      'agents (bench) CPU %': r.agentsCpuPctOfOneCore,
      'RSS MB start': r.rssMbStart,
      'RSS MB end': r.rssMbEnd,
      'peak RSS MB': r.peakRssMb,
      'load avg 1m': r.loadAvg1,
    })),
  );
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
}

try {
  await main();
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
