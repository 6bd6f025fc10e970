// Benchmark of the coordinator's HTTP gateway: latency it adds to a call at a fixed open-loop rate.
// A real `isawatt coordinator` process with --gateway-listen; two /invoke endpoints standing in
// for two agents' (child processes answering at once, so that the figures are the gateway's own
// cost, not a function's); two FakeAgents (real AgentLink clients), each advertising one endpoint,
// with fn-000 placed on both at equal rate shares: 2 replicas. The load generator (this process)
// sends POST /invoke/fn-000 at --rate requests/s, open loop (arrivals on a fixed schedule, whatever
// the answers do), over keep-alive connections, in alternating phases: directly to the endpoints
// (the baseline, same run; calls alternate between the two as the gateway's round robin does) and
// through the gateway. Latency is measured from the scheduled send time, so a backlog counts.
// It prints p50/p90/p99/max per path and the added latency (gateway minus direct, per
// percentile), with the coordinator's CPU and the load average (2-core shared machine: a high
// load inflates both paths), then the same one call at a time (closed loop), which shows the hop's
// own latency when nothing queues. Because the machine is shared, each pair of phases (direct, then
// gateway) also records how many cores OTHER work took meanwhile (/proc/stat busy time minus this
// bench's own processes) and its own added p99; the quietest pair is reported apart.
//
//   node --conditions=source --import tsx bench/gateway.ts [--rate 1000] [--duration 5] [--phases 6] [--warmup 2]
import { spawn, type ChildProcess } from 'node:child_process';
import { procCpuS } from './proc-usage.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../test/helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../test/helpers/processes.js';

function parseArgs(argv: string[]): { rate: number; durationS: number; phases: number; warmupS: number } {
  const a = { rate: 1000, durationS: 5, phases: 6, warmupS: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${argv[i]}: expected a positive number, got "${argv[i + 1]}"`);
    if (argv[i] === '--rate') a.rate = v;
    else if (argv[i] === '--duration') a.durationS = v;
    else if (argv[i] === '--phases') a.phases = Math.round(v);
    else if (argv[i] === '--warmup') a.warmupS = v;
    else throw new Error(`unknown flag ${argv[i]}; see the header of bench/gateway.ts`);
  }
  return a;
}

// The endpoint: answers every POST /invoke/<fn> with a small JSON at once.
const ENDPOINT = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const out = '{"ok":true}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
    res.end(out);
  });
});
s.keepAliveTimeout = 10000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

function startEndpoint(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', ENDPOINT], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (d: Buffer) => resolve({ child, port: Number(d.toString().trim()) }));
  });
}

const pool = new Agent({ keepAlive: true, maxSockets: 256 });
/** Failed calls by status (0: a connection error), to tell what failed. */
const failures = new Map<string, number>();

/** The direct path alternates between the replicas' endpoints, as the gateway's round robin does. */
let turn = 0;
function call(port: number | readonly number[]): Promise<number> {
  if (typeof port !== 'number') port = port[turn++ % port.length] as number;
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/invoke/fn-000', agent: pool, headers: { 'content-type': 'application/json', 'content-length': 2 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end('{}');
  });
}

/** Open loop at `rate` for `seconds`: latencies (ms) from each call's scheduled time, and failures. */
async function phase(port: number | readonly number[], rate: number, seconds: number): Promise<{ lat: number[]; failed: number }> {
  const lat: number[] = [];
  let failed = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const at = start + (sent / rate) * 1000;
        pending.push(
          call(port).then((status) => {
            if (status !== 200) {
              failed++;
              failures.set(String(status), (failures.get(String(status)) ?? 0) + 1);
            } else lat.push(performance.now() - at);
          }),
        );
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  return { lat, failed };
}

/** Closed loop, one call at a time: latencies (ms). Less sensitive to a busy machine than the open loop. */
async function sequential(port: number | readonly number[], calls: number): Promise<number[]> {
  const lat: number[] = [];
  for (let k = 0; k < calls; k++) {
    const t = performance.now();
    if ((await call(port)) === 200) lat.push(performance.now() - t);
  }
  return lat;
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell how much other work ran. */
function machineJiffies(): { busy: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((x, y) => x + y, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const args = parseArgs(process.argv.slice(2));
const cleanups: (() => unknown)[] = [];
const cleanup = { after: (fn: () => unknown) => void cleanups.push(fn) };
try {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const endpoints = [await startEndpoint(), await startEndpoint()];
  for (const e of endpoints) cleanups.push(() => e.child.kill('SIGTERM'));
  const [port, gport] = [await freePort(), await freePort()];
  const coord = await startCoordinator(cleanup, {
    port,
    stateDir: join(dir, 'state'),
    args: ['--host-down-after-ms', '600000', '--gateway-listen', `127.0.0.1:${gport}`],
  });
  await eventually('gateway port open', () => call(gport).then((s) => (s !== 0 ? true : undefined)));
  const client = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  cleanups.push(() => client.close());
  const hostIds = endpoints.map((_, k) => `bench-host-${k}`);
  for (const [k, e] of endpoints.entries()) {
    const agent = new FakeAgent({
      address: `127.0.0.1:${port}`,
      hostId: hostIds[k] as string,
      functionCpus: 4,
      functions: 1,
      invokeAddress: `127.0.0.1:${e.port}`,
    });
    cleanups.push(() => agent.close());
    await agent.attach();
  }
  await eventually('hosts up', async () => ((await client.listHosts()).hosts.filter((h) => h.state === 'HOST_STATE_UP').length === 2 ? true : undefined));
  // FakeAgent's catalogue names its functions fn-000...; the endpoints answer any name. Two
  // replicas, equal rate shares: the gateway alternates between them.
  const dep = await client.deploy({
    label: 'bench',
    ack_timeout_ms: 5000,
    hosts: hostIds.map((host_id) => ({ host_id, ack_timeout_ms: 5000, functions: [{ function: 'fn-000', cores: 1, rate_rps: args.rate / 2, arrival: '' }] })),
  });
  if (!dep.ok) throw new Error(`deploy refused: ${dep.error}`);
  // Both paths send POST /invoke/fn-000 with the same body: the gateway routes it to the endpoint.
  const path = { direct: endpoints.map((e) => e.port), gateway: gport };
  const coordPid = coord.child.pid as number;

  console.log(
    `gateway bench: 2 replicas, ${args.rate} req/s open loop, ${args.durationS} s per phase, ${args.phases} phases per path, load average ${loadavg()[0]?.toFixed(2)} on this machine`,
  );
  // Warm-up both paths (connections, JIT).
  await phase(path.direct, args.rate, args.warmupS);
  await phase(path.gateway, args.rate, args.warmupS);
  const results = { direct: [] as number[], gateway: [] as number[] };
  const failed = { direct: 0, gateway: 0 };
  let gatewayCpuS = 0;
  let gatewayWallS = 0;
  const ours = [process.pid, coordPid, ...endpoints.map((e) => e.child.pid as number)];
  const ourCpuS = (): number => ours.reduce((sum, pid) => sum + procCpuS(pid), 0);
  const pairs: { others: number; load: number; d: number[]; g: number[] }[] = [];
  for (let k = 0; k < args.phases; k++) {
    const m0 = machineJiffies();
    const o0 = ourCpuS();
    const w0 = performance.now();
    const lat = { direct: [] as number[], gateway: [] as number[] };
    for (const which of ['direct', 'gateway'] as const) {
      const cpu0 = procCpuS(coordPid);
      const t0 = performance.now();
      const r = await phase(path[which], args.rate, args.durationS);
      if (which === 'gateway') {
        gatewayCpuS += procCpuS(coordPid) - cpu0;
        gatewayWallS += (performance.now() - t0) / 1000;
      }
      results[which].push(...r.lat);
      lat[which] = r.lat.sort((a, b) => a - b);
      failed[which] += r.failed;
    }
    const m1 = machineJiffies();
    const wallS = (performance.now() - w0) / 1000;
    // Jiffies are 1/100 s (USER_HZ): cores busy with work other than this bench's processes.
    const others = Math.max(0, ((m1.busy - m0.busy) / 100 - (ourCpuS() - o0)) / wallS);
    pairs.push({ others, load: loadavg()[0] ?? NaN, d: lat.direct, g: lat.gateway });
  }
  console.log('pair | other work (cores of 2) | load avg | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 / p99 ms');
  for (const [k, p] of pairs.entries()) {
    const f = (x: number): string => x.toFixed(3);
    console.log(
      `${String(k + 1).padStart(4)} | ${p.others.toFixed(2).padStart(23)} | ${p.load.toFixed(2).padStart(8)} | ${f(pct(p.d, 0.5))} / ${f(pct(p.d, 0.99))} | ${f(pct(p.g, 0.5))} / ${f(pct(p.g, 0.99))} | ${f(pct(p.g, 0.5) - pct(p.d, 0.5))} / ${f(pct(p.g, 0.99) - pct(p.d, 0.99))}`,
    );
  }
  const quiet = [...pairs].sort((a, b) => a.others - b.others)[0];
  if (quiet)
    console.log(
      `quietest pair (other work ${quiet.others.toFixed(2)} cores, load average ${quiet.load.toFixed(2)}): added by the gateway p50 ${(pct(quiet.g, 0.5) - pct(quiet.d, 0.5)).toFixed(3)} ms, p99 ${(pct(quiet.g, 0.99) - pct(quiet.d, 0.99)).toFixed(3)} ms (direct p99 ${pct(quiet.d, 0.99).toFixed(3)}, gateway p99 ${pct(quiet.g, 0.99).toFixed(3)})`,
    );
  const rows: string[] = [];
  const fmt = (x: number): string => x.toFixed(3);
  const stats: Record<string, number[]> = {};
  for (const which of ['direct', 'gateway'] as const) {
    const s = [...results[which]].sort((a, b) => a - b);
    stats[which] = [pct(s, 0.5), pct(s, 0.9), pct(s, 0.99), s[s.length - 1] ?? NaN];
    rows.push(
      `${which.padEnd(8)} | ${String(s.length).padStart(7)} | ${String(failed[which]).padStart(6)} | ${stats[which]
        .map(fmt)
        .map((x) => x.padStart(8))
        .join(' | ')}`,
    );
  }
  const d = stats.direct as number[];
  const g = stats.gateway as number[];
  console.log('path     |   calls | failed |  p50 ms  |  p90 ms  |  p99 ms  |  max ms');
  for (const r of rows) console.log(r);
  // One call at a time, alternating paths in blocks: the latency the hop adds when nothing queues.
  const seq = { direct: [] as number[], gateway: [] as number[] };
  for (let k = 0; k < 4; k++) {
    seq.direct.push(...(await sequential(path.direct, 500)));
    seq.gateway.push(...(await sequential(path.gateway, 500)));
  }
  const sd = [...seq.direct].sort((a, b) => a - b);
  const sg = [...seq.gateway].sort((a, b) => a - b);
  console.log(
    `one call at a time (2000 calls per path): direct p50 ${fmt(pct(sd, 0.5))} / p99 ${fmt(pct(sd, 0.99))} ms, gateway p50 ${fmt(pct(sg, 0.5))} / p99 ${fmt(pct(sg, 0.99))} ms, added p50 ${fmt(pct(sg, 0.5) - pct(sd, 0.5))} ms, p99 ${fmt(pct(sg, 0.99) - pct(sd, 0.99))} ms`,
  );
  console.log(
    `added by the gateway at ${args.rate} req/s (gateway - direct): p50 ${fmt((g[0] ?? 0) - (d[0] ?? 0))} ms, p90 ${fmt((g[1] ?? 0) - (d[1] ?? 0))} ms, p99 ${fmt((g[2] ?? 0) - (d[2] ?? 0))} ms`,
  );
  if (failures.size) console.log(`failed calls by status (0: connection error): ${JSON.stringify(Object.fromEntries(failures))}`);
  console.log(
    `coordinator CPU while routing: ${((gatewayCpuS / gatewayWallS) * 100).toFixed(1)} % of one core at ${args.rate} req/s; load average at the end ${loadavg()[0]?.toFixed(2)}`,
  );
} finally {
  for (const fn of cleanups.reverse()) await fn();
  pool.destroy();
}
