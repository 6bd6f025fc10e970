// Benchmark: what one /metrics scrape of the coordinator's cluster families costs at fleet size,
// rendered as text from the registry's columns (cluster-metrics-text.ts, what /metrics serves)
// against the prom-client gauges it replaced (prom-client-reference.test-support.ts), in this
// process, on the same registry: N hosts up, each with a latest report of F functions in columns
// (as the AgentLink decoder keeps them; figures random, so number formatting is not flattered by
// V8's number-string cache) and, with --placed, an assignment of its F functions.
//
// Printed per renderer: render time p50/max (until the bytes are ready), the longest event-loop
// stall during a render (perf_hooks monitorEventLoopDelay: the text render yields between hosts,
// prom-client renders in one go) and the size. The end-to-end cost under ingest load, with a real
// coordinator and Prometheus-like scrapes, is bench/ingest-fleet.ts.
//
//   node --conditions=source --import tsx bench/metrics-scrape.ts [--hosts 1000] [--functions 200]
//        [--reps 5] [--placed]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { silentLogger } from '@isawatt/common';
import { HostRegistry, type AgentChannel } from '../packages/coordinator/src/registry/host-registry.js';
import { ColumnReport, FN, FN_STRIDE } from '../packages/coordinator/src/registry/ingested-report.js';
import type { Hello } from '../packages/coordinator/src/registry/types.js';
import { ClusterMetricsText } from '../packages/coordinator/src/metrics/cluster-metrics-text.js';
import { referenceRegistry } from '../packages/coordinator/src/metrics/prom-client-reference.test-support.js';
import { numberOption, parseBenchArgs } from './lib/options.js';

interface Args {
  hosts: number;
  functions: number;
  reps: number;
  placed: boolean;
}

function parseArgs(): Args {
  const url = import.meta.url;
  const v = parseBenchArgs(url, {
    hosts: { type: 'string', default: '1000', description: 'hosts in the registry' },
    functions: { type: 'string', default: '200', description: 'functions per host' },
    reps: { type: 'string', default: '5', description: 'scrapes measured' },
    placed: { type: 'boolean', default: false, description: 'give every function a placement' },
  });
  return {
    hosts: numberOption(url, 'hosts', v.hosts, { integer: true, min: 1 }),
    functions: numberOption(url, 'functions', v.functions, { integer: true, min: 1 }),
    reps: numberOption(url, 'reps', v.reps, { integer: true, min: 1 }),
    placed: v.placed,
  };
}

const hello = (hostId: string): Hello => ({
  hostId,
  arch: 'x86_64',
  cpuModel: 'bench cpu',
  sockets: 1,
  physicalCores: 64,
  logicalCpus: 64,
  functionCpus: [1],
  hostType: 'bench',
  energySources: [],
  counterSource: 'cgroup-cputime',
  pinning: 'sched-affinity',
  catalogue: [],
  agentVersion: 'bench',
  sessionId: 's1',
  emulated: true,
  emulatedProfile: 'bench',
  runningAssignmentVersion: 0n,
  memoryBytes: 1n << 40n,
  idlePowerW: 0,
});

async function fleetRegistry(args: Args): Promise<HostRegistry> {
  const reg = new HostRegistry({ store: undefined, hostDownAfterMs: 3_600_000, flushIntervalMs: 3_600_000, log: silentLogger() });
  const names = Array.from({ length: args.functions }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
  const channel: AgentChannel = { sendAssignment: () => true, close: () => undefined };
  for (let h = 0; h < args.hosts; h++) {
    const id = `sim-bench-${String(h).padStart(5, '0')}`;
    const { attachmentId } = await reg.attach(hello(id), channel, 'bench', '');
    const r = new ColumnReport();
    r.reset(args.functions);
    Object.assign(r, { seq: 1n, sessionId: 's1', timestampMs: Date.now(), intervalMs: 1000, hostPowerW: 100 + Math.random() * 200, hostQuality: 4 });
    r.energySource = 'emulated';
    for (let i = 0; i < args.functions; i++) {
      const o = i * FN_STRIDE;
      r.names[i] = names[i] as string;
      r.cols[o + FN.powerW] = Math.random() * 3;
      r.cols[o + FN.hasInvocations] = 1;
      r.cols[o + FN.achievedRps] = Math.random() * 50;
      r.cols[o + FN.quality] = 4;
    }
    reg.ingest(id, attachmentId, r);
    if (args.placed)
      await reg.issue(
        id,
        names.map((function_) => ({ function: function_, cores: 1, rateRps: Math.random() * 20, arrival: '' })),
      );
  }
  return reg;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

interface Row {
  renderer: string;
  'render ms p50': number;
  'render ms max': number;
  'longest stall ms': number;
  MB: number;
}

async function measure(label: string, reps: number, render: () => Promise<number>): Promise<Row> {
  await render(); // warm-up
  const times: number[] = [];
  let stallMaxMs = 0;
  let bytes = 0;
  for (let k = 0; k < reps; k++) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    // The monitor's timer must be running before the render starts, or a render that never
    // yields is measured by no sample at all.
    await new Promise((r) => setTimeout(r, 10));
    const t = performance.now();
    bytes = await render();
    times.push(performance.now() - t);
    // Let the monitor see the loop once more after the last stretch.
    await new Promise((r) => setTimeout(r, 5));
    h.disable();
    stallMaxMs = Math.max(stallMaxMs, h.max / 1e6);
  }
  times.sort((a, b) => a - b);
  return {
    renderer: label,
    'render ms p50': Math.round(quantile(times, 0.5)),
    'render ms max': Math.round(times.at(-1) as number),
    'longest stall ms': Math.round(stallMaxMs),
    MB: Number((bytes / 2 ** 20).toFixed(1)),
  };
}

const args = parseArgs();
process.stderr.write(`metrics-scrape: ${args.hosts} hosts x ${args.functions} functions${args.placed ? ', all placed' : ''}, ${args.reps} renders each...\n`);
const reg = await fleetRegistry(args);
try {
  const text = new ClusterMetricsText(reg, undefined);
  const rows = [
    await measure('prom-client (before)', args.reps, async () => Buffer.byteLength(await referenceRegistry(reg, undefined).metrics())),
    await measure('text (cluster-metrics-text)', args.reps, async () => (await text.render()).reduce((s, c) => s + c.length, 0)),
  ];
  console.log(`\nmetrics-scrape (${args.hosts} hosts x ${args.functions} functions${args.placed ? ', all placed' : ''}; cluster families only)`);
  console.table(rows);
  const [before, after] = rows as [Row, Row];
  console.log(
    `metrics-scrape: text render ${after['render ms p50']} ms (longest stall ${after['longest stall ms']} ms) vs prom-client ${before['render ms p50']} ms ` +
      `(stall ${before['longest stall ms']} ms): ${(before['render ms p50'] / after['render ms p50']).toFixed(1)}x faster, ${after.MB} MB vs ${before.MB} MB`,
  );
} finally {
  await reg.stop();
}
