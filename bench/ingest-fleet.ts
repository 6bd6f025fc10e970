// Benchmark: can one coordinator take a fleet of 1,000 agents x 200 functions at 1 Hz in one core,
// with liveness intact? A real `isawatt coordinator` process on 127.0.0.1 and N simulated agents,
// each a real AgentLink gRPC stream on its own TCP connection. Each agent attaches with a real
// Hello, then sends one report per second (timestamps and seqs live, the 200 function figures fixed
// per agent), spread evenly over the second. Several fleet sizes run one after the other in the same
// run (default 100, then 1,000: the smaller is the baseline).
//
// Measured on the coordinator process alone, over the measuring window:
//   - CPU as a fraction of one core: utime+stime from /proc/<pid>/stat;
//   - RSS at the end and its peak (VmRSS, VmHWM);
//   - reports ingested/s (its /metrics) against the reports sent;
//   - report latency: for a sample of hosts, a WatchTelemetry stream per host; latency = when the
//     event arrives here minus the report's timestamp (taken just before it was sent). It includes
//     the watch stream's own delivery, so it is an upper bound on ingest latency;
//   - liveness: hosts up from the Control Health call, sampled every second (min over the window) and hosts marked
//     down (the coordinator's "host down" log lines): intact = never below N, none marked down;
//   - /metrics scrapes, as a Prometheus server makes them: by default one every 15 s (Prometheus's
//     usual scrape_interval) during the window, the first half an interval in (so a 30 s window
//     holds 2 scrapes, each inside it), never two at once, each given 10 s (Prometheus's default
//     scrape_timeout). Their CPU is in the coordinator's cores, as it is in a real deployment: a
//     scrape renders every host's and function's series (N x F x 2 and more). Printed: scrapes made
//     and failed (no full answer within 10 s), duration p50/max (request sent to last byte
//     received) and bytes. --scrape-every 0 turns them off (ingest alone).
// The simulated agents cost CPU too (this process: printed) and the machine may be shared: the
// 1-minute load average is printed; a high one means the figures are pessimistic.
// Verdict (one line per fleet size, "ingest-fleet verdict"): PASS when the coordinator used less
// than one core (scrapes included), ingested at least 97 % of what was offered over the same
// interval, its report latency p99 stayed under hostDownAfterMs (5 s: no backlog grows), liveness
// was intact (every Health sample answered within its 5 s deadline, hosts up never below N, no
// host marked down) and every scrape was answered within 10 s.
// --baseline DIR runs another checkout's coordinator (bench/baseline-checkout.sh main DIR) on the
// same fleet just before this one, for each fleet size: before/after in the same run. This file
// drives both (the baseline lends only its coordinator), so both get the same fleet and scrapes.
// The agents' load is cheap on purpose: each agent encodes its report body once and per tick only
// prepends the varint-encoded seq and timestamp fields (protobuf fields may come in any order), so
// the bench process does not need a core of its own to keep 1,000 agents at 1 Hz.
//
//   node --conditions=source --import tsx bench/ingest-fleet.ts [--agents 100,1000]
//        [--functions 200] [--duration 30] [--warmup 10] [--sample 20] [--cpu-prof DIR] [--json FILE]
//        [--baseline DIR] [--scrape-every 15 (s; 0: no scrapes)]
import * as grpc from '@grpc/grpc-js';
import { procCpuS, procMemMb } from './lib/proc-usage.js';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProtos, type wire } from '@isawatt/common';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../test/helpers/fake-agent.js';
import { freePort, startCoordinator, type Proc } from '../test/helpers/processes.js';
import { badInput, numberListOption, numberOption, parseBenchArgs } from './lib/options.js';

interface Args {
  agents: number[];
  functions: number;
  durationS: number;
  warmupS: number;
  sample: number;
  cpuProf?: string;
  json?: string;
  baseline?: string;
  /** Seconds between /metrics scrapes in the window; 0: none. */
  scrapeEveryS: number;
}

function parseArgs(): Args {
  const url = import.meta.url;
  const v = parseBenchArgs(url, {
    agents: { type: 'string', default: '100,1000', description: 'fleet sizes, one phase each' },
    functions: { type: 'string', default: '200', description: 'functions per agent' },
    duration: { type: 'string', default: '30', description: 'measured seconds per phase' },
    warmup: { type: 'string', default: '10', description: 'warm-up seconds per phase' },
    sample: { type: 'string', default: '20', description: 'agents whose report latency is sampled' },
    'scrape-every': { type: 'string', default: '15', description: 'seconds between /metrics scrapes in the window (0: none)' },
    'cpu-prof': { type: 'string', description: "write the coordinator's CPU profile into this directory" },
    json: { type: 'string', description: 'also write the figures to this JSON file' },
    baseline: { type: 'string', description: 'an isawatt checkout to run the same phases on first (bench/baseline-checkout.sh)' },
  });
  if (v.baseline !== undefined && !existsSync(join(v.baseline, 'packages/coordinator/src/cli/entry.ts')))
    badInput(url, `--baseline: ${v.baseline} is not an isawatt checkout; make one with bench/baseline-checkout.sh main ${v.baseline}`);
  return {
    agents: numberListOption(url, 'agents', v.agents, { integer: true, min: 1 }),
    functions: numberOption(url, 'functions', v.functions, { integer: true, min: 1 }),
    durationS: numberOption(url, 'duration', v.duration, { above: 0 }),
    warmupS: numberOption(url, 'warmup', v.warmup, { above: 0 }),
    sample: numberOption(url, 'sample', v.sample, { integer: true, min: 1 }),
    scrapeEveryS: numberOption(url, 'scrape-every', v['scrape-every'], { min: 0 }),
    ...(v['cpu-prof'] !== undefined ? { cpuProf: v['cpu-prof'] } : {}),
    ...(v.json !== undefined ? { json: v.json } : {}),
    ...(v.baseline !== undefined ? { baseline: v.baseline } : {}),
  };
}

/** Reports ingested and hosts up from /metrics (the closing scrape, after the window). */
async function scrape(metricsPort: number): Promise<{ ingested: number; up: number }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(60_000) })).text();
  const ingested = /^isawatt_coordinator_reports_ingested_total (\d+)/m.exec(text);
  const up = /^isawatt_coordinator_hosts\{state="up"\} (\d+)/m.exec(text);
  if (!ingested || !up) throw new Error('metrics: isawatt_coordinator_reports_ingested_total or isawatt_coordinator_hosts not found');
  return { ingested: Number(ingested[1]), up: Number(up[1]) };
}

/** Prometheus's default scrape_timeout. */
const SCRAPE_TIMEOUT_MS = 10_000;

interface ScrapeStats {
  made: number;
  failed: number;
  durationsMs: number[];
  bytes: number[];
}

/**
 * Scrapes /metrics every `everyS` seconds from `firstAtMs` (performance.now() time) until `stop`
 * is set, one at a time, as a Prometheus server does; resolves when the last one has finished.
 */
async function scrapeLoop(metricsPort: number, everyS: number, firstAtMs: number, stop: { now: boolean }, stats: ScrapeStats): Promise<void> {
  let due = firstAtMs;
  for (;;) {
    while (!stop.now && performance.now() < due) await new Promise((r) => setTimeout(r, Math.min(200, due - performance.now())));
    if (stop.now) return;
    due += everyS * 1000;
    const t = performance.now();
    stats.made++;
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      // Bytes only: decoding tens of MB as text would cost this process, not the coordinator.
      const body = await res.arrayBuffer();
      stats.durationsMs.push(Math.round(performance.now() - t));
      stats.bytes.push(body.byteLength);
    } catch {
      stats.failed++;
    }
  }
}

// ---- protobuf by hand, for the per-tick fields only ----

function varint(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** AgentMessage{telemetry = 2} around a TelemetryReport body of seq (1), timestamp_ms (2) + `rest`. */
function telemetryMessage(seq: bigint, timestampMs: number, rest: Buffer): Buffer {
  const head = Buffer.from([0x08, ...varint(seq), 0x10, ...varint(BigInt(timestampMs))]);
  const len = head.length + rest.length;
  return Buffer.concat([Buffer.from([0x12, ...varint(BigInt(len))]), head, rest]);
}

/** One simulated agent: a raw AgentLink stream that writes pre-encoded bytes. */
class FleetAgent {
  private readonly client: grpc.Client;
  private call: grpc.ClientDuplexStream<Buffer, wire.CoordinatorMessage__Output> | undefined;
  private seq = 0n;
  private body: Buffer = Buffer.alloc(0);
  sent = 0;

  constructor(
    private readonly address: string,
    private readonly template: FakeAgent,
  ) {
    // Its own TCP connection, as an agent on its own machine has.
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  }

  async attach(): Promise<void> {
    const method = loadProtos().isawatt.v1.AgentLink.service.Attach;
    const serializeAgent = method.requestSerialize as (m: wire.AgentMessage) => Buffer;
    // The report body without seq and timestamp, encoded once.
    const report = this.template.tick(1000, false);
    const { seq: _seq, timestamp_ms: _ts, ...rest } = report;
    void _seq;
    void _ts;
    const encoded = serializeAgent({ telemetry: rest });
    // Strip the AgentMessage tag and length: what remains is the TelemetryReport body.
    let i = 1;
    while ((encoded[i] as number) & 0x80) i++;
    this.body = encoded.subarray(i + 1);
    const call = this.client.makeBidiStreamRequest(method.path, (b: Buffer) => b, method.responseDeserialize as (b: Buffer) => wire.CoordinatorMessage__Output);
    this.call = call;
    await new Promise<void>((resolve, reject) => {
      call.on('data', (m: wire.CoordinatorMessage__Output) => {
        if (m.welcome) resolve();
      });
      call.on('error', reject);
      call.write(serializeAgent({ hello: this.template.hello() }));
    });
  }

  tick(): void {
    this.seq++;
    this.call?.write(telemetryMessage(this.seq, Date.now(), this.body));
    this.sent++;
  }

  close(): void {
    this.call?.cancel();
    this.client.close();
  }
}

interface Result {
  /** "this" checkout, or "baseline" (--baseline DIR). */
  build: string;
  agents: number;
  functions: number;
  durationS: number;
  /** Reports sent in the measuring window. */
  sent: number;
  /** Reports ingested from the first tick to the closing scrape (reportsPerS: per second of that interval). */
  ingested: number;
  reportsPerS: number;
  coordinatorCoresUsed: number;
  agentsCoresUsed: number;
  rssMbEnd: number;
  peakRssMb: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  latencySamples: number;
  minHostsUp: number;
  hostsMarkedDown: number;
  /** /metrics scrapes in the window (--scrape-every), those not answered in full within 10 s, duration and size. */
  scrapes: number;
  scrapesFailed: number;
  scrapeP50Ms: number;
  scrapeMaxMs: number;
  scrapeMb: number;
  /** Every scrape's duration, in the order made (failed ones left out). */
  scrapeDurationsMs: number[];
  /** Health calls of the liveness sampling that got no answer within 5 s. */
  healthUnanswered: number;
  livenessIntact: boolean;
  /** Reports sent from the first tick to the closing scrape, per second (compare with reportsPerS, same interval). */
  offeredPerS: number;
  pass: { cores: boolean; ingest: boolean; latency: boolean; liveness: boolean; scrapes: boolean; all: boolean };
  loadAvg1: number;
}

/** Report latency above this means a backlog (the coordinator's default hostDownAfterMs). */
const LATENCY_BOUND_MS = 5000;

const cleanups: (() => unknown)[] = [];
const cleanup = { after: (fn: () => unknown) => void cleanups.push(fn) };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function runOne(n: number, args: Args, build: string, repoRoot: string | undefined): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-fleet-'));
  const port = await freePort();
  const metricsPort = await freePort();
  let coordinator: Proc | undefined;
  const agents: FleetAgent[] = [];
  const timers: NodeJS.Timeout[] = [];
  const watches: grpc.ClientReadableStream<wire.TelemetryEvent__Output>[] = [];
  let cc: ControlClient | undefined;
  try {
    coordinator = await startCoordinator(cleanup, {
      port,
      stateDir: join(dir, 'state'),
      args: ['--log-level', 'info', '--metrics-listen', `127.0.0.1:${metricsPort}`],
      nodeArgs: args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(args.cpuProf, `coordinator-${build}-${n}`)}`] : [],
      ...(repoRoot === undefined ? {} : { repoRoot }),
    });
    const pid = coordinator.child.pid;
    if (pid === undefined) throw new Error('coordinator has no pid');
    const session = randomUUID().slice(0, 8);
    for (let i = 0; i < n; i++) {
      const template = new FakeAgent({
        address: '127.0.0.1:1',
        hostId: `sim-${session}-${String(i).padStart(4, '0')}`,
        functions: args.functions,
        functionCpus: 60,
        physicalCores: 64,
      });
      template.client.close();
      agents.push(new FleetAgent(`127.0.0.1:${port}`, template));
    }
    // Attach in batches (a fleet's agents start together; one by one takes minutes on a busy machine).
    for (let i = 0; i < n; i += 50) await Promise.all(agents.slice(i, i + 50).map((a) => a.attach()));
    process.stderr.write(`ingest-fleet: ${n} agents attached\n`);
    // 1 Hz per agent, spread evenly over the second as real agents' clocks would be. One 20 ms
    // ticker sends what is due; an agent that fell more than a second behind (this process was
    // starved) skips ahead instead of bursting, as a real agent's 1 s timer would.
    const startMs = Date.now();
    // Ingested and offered are counted from here (nothing is sent before) to the closing scrape,
    // after the window. Scrapes happen only inside the window (--scrape-every), where their cost
    // is what is measured; none during the warm-up.
    const ticksFromMs = performance.now();
    const due = agents.map((_, i) => startMs + Math.floor((i * 1000) / n));
    timers.push(
      setInterval(() => {
        const now = Date.now();
        for (let i = 0; i < n; i++) {
          const d = due[i] as number;
          if (d > now) continue;
          (agents[i] as FleetAgent).tick();
          due[i] = now - d > 1000 ? now + 1000 : d + 1000;
        }
      }, 20),
    );
    // Latency sample: one WatchTelemetry stream per sampled host.
    cc = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: true, deadlineMs: 5_000 });
    const latencies: number[] = [];
    let measuring = false;
    const step = Math.max(1, Math.floor(n / args.sample));
    for (let i = 0; i < n; i += step) {
      const hostId = `sim-${session}-${String(i).padStart(4, '0')}`;
      const w = cc.watchTelemetry(hostId);
      w.on('data', (e: wire.TelemetryEvent__Output) => {
        if (measuring && e.report) latencies.push(Date.now() - Number(e.report.timestamp_ms));
      });
      w.on('error', () => undefined);
      watches.push(w);
    }
    await new Promise((r) => setTimeout(r, args.warmupS * 1000));
    const downLines0 = coordinator.lines.filter((l) => l.includes('"msg":"host down"')).length;
    const m0 = { up: (await cc.health().catch(() => ({ hosts_up: 0 }))).hosts_up };
    // Sent in the window is counted from here, with the CPU.
    const sent0 = agents.reduce((s, a) => s + a.sent, 0);
    const cpu0 = procCpuS(pid);
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    measuring = true;
    let minUp = m0.up;
    let healthUnanswered = 0;
    const end = t0 + args.durationS * 1000;
    const scrapeStats: ScrapeStats = { made: 0, failed: 0, durationsMs: [], bytes: [] };
    const stopScrapes = { now: false };
    const scraping =
      args.scrapeEveryS > 0 ? scrapeLoop(metricsPort, args.scrapeEveryS, t0 + (args.scrapeEveryS * 1000) / 2, stopScrapes, scrapeStats) : Promise.resolve();
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 1000));
      // Health is cheap to answer (a scrape renders N x F series): liveness is sampled through it.
      // An unanswered Health (deadline 5 s) is a liveness failure, counted, not a crash.
      try {
        minUp = Math.min(minUp, (await cc.health()).hosts_up);
      } catch {
        healthUnanswered++;
      }
    }
    measuring = false;
    // CPU of the window: ingest and the window's scrapes (a scrape still under way is let finish
    // below, its CPU partly outside), not the closing scrape that reads the ingested count.
    stopScrapes.now = true;
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu1 = procCpuS(pid);
    const self1 = process.cpuUsage(self0);
    const mem = procMemMb(pid);
    const sent1 = agents.reduce((s, a) => s + a.sent, 0);
    // A swamped coordinator may not render its metrics in time: then the ingest rate is unknown.
    // Offered and the interval end when the scrape starts (what is sent while it renders is not offered yet).
    const sentAtM1 = agents.reduce((s, a) => s + a.sent, 0);
    const ingestWindowS = (performance.now() - ticksFromMs) / 1000;
    await scraping;
    const m1 = await scrape(metricsPort).catch(() => ({ ingested: NaN, up: NaN }));
    const hostsMarkedDown = coordinator.lines.filter((l) => l.includes('"msg":"host down"')).length - downLines0;
    const sorted = latencies.sort((a, b) => a - b);
    const coordinatorCoresUsed = Number(((cpu1 - cpu0) / elapsedS).toFixed(3));
    const reportsPerS = Number((m1.ingested / ingestWindowS).toFixed(1));
    const offeredPerS = Number((sentAtM1 / ingestWindowS).toFixed(1));
    const livenessIntact = minUp >= n && hostsMarkedDown === 0 && healthUnanswered === 0;
    const latencyP99Ms = quantile(sorted, 0.99);
    const scrapeDurationsMs = [...scrapeStats.durationsMs];
    const scrapeMs = scrapeStats.durationsMs.sort((a, b) => a - b);
    const pass = {
      cores: coordinatorCoresUsed < 1,
      ingest: reportsPerS >= 0.97 * offeredPerS,
      latency: sorted.length > 0 && latencyP99Ms < LATENCY_BOUND_MS,
      liveness: livenessIntact,
      scrapes: scrapeStats.failed === 0,
      all: false,
    };
    pass.all = pass.cores && pass.ingest && pass.latency && pass.liveness && pass.scrapes;
    return {
      build,
      agents: n,
      functions: args.functions,
      durationS: Number(elapsedS.toFixed(1)),
      sent: sent1 - sent0,
      ingested: m1.ingested,
      reportsPerS,
      coordinatorCoresUsed,
      agentsCoresUsed: Number(((self1.user + self1.system) / 1e6 / elapsedS).toFixed(3)),
      rssMbEnd: Number(mem.rssMb.toFixed(0)),
      peakRssMb: Number(mem.hwmMb.toFixed(0)),
      latencyP50Ms: quantile(sorted, 0.5),
      latencyP99Ms,
      latencyMaxMs: sorted.at(-1) ?? NaN,
      latencySamples: sorted.length,
      minHostsUp: minUp,
      hostsMarkedDown,
      scrapes: scrapeStats.made,
      scrapesFailed: scrapeStats.failed,
      scrapeP50Ms: quantile(scrapeMs, 0.5),
      scrapeMaxMs: scrapeMs.at(-1) ?? NaN,
      scrapeDurationsMs,
      scrapeMb: Number(((scrapeStats.bytes.at(-1) ?? NaN) / 2 ** 20).toFixed(1)),
      healthUnanswered,
      livenessIntact,
      offeredPerS,
      pass,
      loadAvg1: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
  } finally {
    for (const t of timers) clearInterval(t);
    for (const w of watches) w.cancel();
    cc?.close();
    for (const a of agents) a.close();
    if (coordinator) await coordinator.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

function verdict(r: Result): string {
  const ok = (b: boolean): string => (b ? 'PASS' : 'FAIL');
  return (
    `ingest-fleet verdict (${r.build}, ${r.agents} agents x ${r.functions} functions at 1 Hz): ${ok(r.pass.all)}: ` +
    `coordinator ${r.coordinatorCoresUsed} cores (< 1: ${ok(r.pass.cores)}), ` +
    `ingested ${r.reportsPerS}/s of ${r.offeredPerS}/s offered (>= 97 %: ${ok(r.pass.ingest)}), ` +
    `latency p99 ${r.latencyP99Ms} ms (< ${LATENCY_BOUND_MS} ms: ${ok(r.pass.latency)}), ` +
    `liveness ${r.livenessIntact ? 'intact' : 'broken'} (${r.healthUnanswered} Health unanswered, min up ${r.minHostsUp}/${r.agents}, ${r.hostsMarkedDown} marked down: ${ok(r.pass.liveness)}), ` +
    `${r.scrapes} scrapes (${r.scrapesFailed} failed: ${ok(r.pass.scrapes)}, p50/max ${r.scrapeP50Ms}/${r.scrapeMaxMs} ms, ${r.scrapeMb} MB), ` +
    `load avg ${r.loadAvg1}`
  );
}

async function main(): Promise<void> {
  const args = parseArgs();
  const results: Result[] = [];
  const builds: [string, string | undefined][] = args.baseline
    ? [
        ['baseline', args.baseline],
        ['this', undefined],
      ]
    : [['this', undefined]];
  for (const n of args.agents) {
    for (const [build, root] of builds) {
      process.stderr.write(
        `ingest-fleet: ${build}: ${n} agents x ${args.functions} functions at 1 Hz, warm-up ${args.warmupS} s, measuring ${args.durationS} s` +
          `${args.scrapeEveryS > 0 ? `, /metrics scraped every ${args.scrapeEveryS} s` : ', no scrapes'}...\n`,
      );
      const r = await runOne(n, args, build, root);
      process.stderr.write(`ingest-fleet: ${JSON.stringify(r)}\n`);
      results.push(r);
    }
  }
  console.log('\ningest-fleet (coordinator process alone; agents are raw gRPC streams in the bench process, one TCP connection each)');
  console.table(
    results.map((r) => ({
      build: r.build,
      agents: r.agents,
      'reports/s in (offered)': `${r.reportsPerS} (${r.offeredPerS})`,
      'coordinator cores': r.coordinatorCoresUsed,
      'bench cores': r.agentsCoresUsed,
      'RSS MB (peak)': `${r.rssMbEnd} (${r.peakRssMb})`,
      'latency p50/p99/max ms': `${r.latencyP50Ms}/${r.latencyP99Ms}/${r.latencyMaxMs}`,
      'min hosts up': r.minHostsUp,
      'marked down': r.hostsMarkedDown,
      'Health unanswered': r.healthUnanswered,
      'scrapes (failed)': `${r.scrapes} (${r.scrapesFailed})`,
      'scrape p50/max ms': `${r.scrapeP50Ms}/${r.scrapeMaxMs}`,
      'scrape MB': r.scrapeMb,
      'liveness intact': r.livenessIntact,
      'load avg 1m': r.loadAvg1,
    })),
  );
  for (const r of results) console.log(verdict(r));
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
}

try {
  await main();
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
