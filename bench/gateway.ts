// Benchmark of the coordinator's HTTP gateway: latency it adds to a call at a fixed open-loop rate.
// A real `isawatt coordinator` process with --gateway-listen; two /invoke endpoints standing in
// for two agents' (child processes answering at once, so that the figures are the gateway's own
// cost, not a function's); two FakeAgents (real AgentLink clients), each advertising one endpoint,
// with fn-000 placed on both at equal rate shares: 2 replicas. The load generator (this process)
// sends POST /invoke/fn-000 through the gateway at --rate requests/s, open loop (arrivals on a
// fixed schedule, whatever the answers do), over keep-alive connections, and at every
// --direct-every'th arrival (default 4: 250 req/s at 1,000) the same call directly to an endpoint
// as well (alternating between the two, as the gateway's round robin does; which of the pair goes
// first alternates too). The direct calls are the baseline probe: same moments, same machine load,
// same request, so the difference is the gateway's own cost and not a quieter or busier phase; a
// probe at a quarter of the rate adds little load of its own to the 2 shared cores. Latency is measured from the scheduled send
// time (a backlog counts), recorded into preallocated arrays through callbacks (no promise or
// closure array per call), so a pause of the client itself, GC included, delays both paths alike.
// It prints, per phase, how many cores OTHER work took (/proc/stat busy time minus this bench's
// own processes: the machine is shared), p50/p99 per path and the added latency (gateway minus
// direct, per percentile); then all phases together, with the coordinator's CPU; then the same
// one call at a time (closed loop): the hop's own latency when nothing queues.
//   --cpu-prof DIR  writes the coordinator's CPU profile (node --cpu-prof) into DIR.
//   --from dist     (default) runs the compiled coordinator (packages/coordinator/dist, brought up
//                   to date by an incremental `tsc -b` first), what ships; --from source runs the sources through tsx, whose loader
//                   wraps every closure created per call in a naming helper (~3 % of the gateway's CPU).
//
//   node --conditions=source --import tsx bench/gateway.ts [--rate 1000] [--duration 5] [--phases 6] [--warmup 2] [--direct-every 4] [--from dist|source] [--cpu-prof DIR]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { procCpuS } from './lib/proc-usage.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../test/helpers/fake-agent.js';
import { eventually, freePort, REPO_ROOT, startCoordinator } from '../test/helpers/processes.js';
import { choiceOption, numberOption, parseBenchArgs } from './lib/options.js';

function parseArgs(): {
  rate: number;
  durationS: number;
  phases: number;
  warmupS: number;
  directEvery: number;
  cpuProfDir: string | undefined;
  from: 'dist' | 'source';
} {
  const url = import.meta.url;
  const v = parseBenchArgs(url, {
    rate: { type: 'string', default: '1000', description: 'requests/s through the gateway (open loop)' },
    duration: { type: 'string', default: '5', description: 'seconds per phase' },
    phases: { type: 'string', default: '6', description: 'measured phases' },
    warmup: { type: 'string', default: '2', description: 'warm-up seconds' },
    'direct-every': { type: 'string', default: '4', description: 'one direct request per this many gateway requests' },
    from: { type: 'string', default: 'dist', description: 'run the coordinator from dist (compiled) or source (tsx)' },
    'cpu-prof': { type: 'string', description: "write the coordinator's CPU profile into this directory" },
  });
  return {
    rate: numberOption(url, 'rate', v.rate, { above: 0 }),
    durationS: numberOption(url, 'duration', v.duration, { above: 0 }),
    phases: numberOption(url, 'phases', v.phases, { integer: true, min: 1 }),
    warmupS: numberOption(url, 'warmup', v.warmup, { above: 0 }),
    directEvery: numberOption(url, 'direct-every', v['direct-every'], { integer: true, min: 1 }),
    cpuProfDir: v['cpu-prof'],
    from: choiceOption(url, 'from', v.from, ['dist', 'source'] as const),
  };
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

// Sized like the gateway's own pool (gateway.maxConnectionsPerHost, default 64): a burst queues on
// warm sockets on both paths instead of opening new ones.
const pool = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' });
/** Failed calls by status (0: a connection error), to tell what failed. */
const failures = new Map<string, number>();

/** The direct path alternates between the replicas' endpoints, as the gateway's round robin does. */
let turn = 0;
const HEADERS = { 'content-type': 'application/json', 'content-length': 2 };
function send(port: number | readonly number[], done: (status: number) => void): void {
  if (typeof port !== 'number') port = port[turn++ % port.length] as number;
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/invoke/fn-000', agent: pool, headers: HEADERS }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode ?? 0));
  });
  req.on('error', () => done(0));
  req.end('{}');
}
function call(port: number | readonly number[]): Promise<number> {
  return new Promise((resolve) => send(port, resolve));
}

/** One path's latencies (ms) of a phase, in a preallocated array, and its failures. */
class Latencies {
  readonly lat: Float64Array;
  n = 0;
  failed = 0;
  constructor(size: number) {
    this.lat = new Float64Array(size);
  }
  sorted(): Float64Array {
    return this.lat.slice(0, this.n).sort();
  }
}

/**
 * Open loop at `rate` through the gateway for `seconds`; every `directEvery`'th arrival also goes
 * directly (which of the two first alternates). Latency from the scheduled time.
 */
function phase(
  paths: { direct: readonly number[]; gateway: number },
  rate: number,
  seconds: number,
  directEvery: number,
): Promise<{ direct: Latencies; gateway: Latencies }> {
  const total = Math.round(rate * seconds);
  const out = { direct: new Latencies(Math.ceil(total / directEvery) + 1), gateway: new Latencies(total) };
  const start = performance.now();
  let sent = 0;
  let open = 0;
  return new Promise((resolve) => {
    let ticking = true;
    const finish = (): void => {
      if (!ticking && open === 0) resolve(out);
    };
    const fire = (which: 'direct' | 'gateway', at: number): void => {
      open++;
      const r = out[which];
      send(paths[which], (status) => {
        open--;
        if (status !== 200) {
          r.failed++;
          failures.set(`${which} ${status}`, (failures.get(`${which} ${status}`) ?? 0) + 1);
        } else r.lat[r.n++] = performance.now() - at;
        finish();
      });
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const at = start + (sent / rate) * 1000;
        const k = sent % (2 * directEvery);
        if (k === 0) fire('direct', at);
        fire('gateway', at);
        if (k === directEvery) fire('direct', at);
      }
      if (sent >= total) {
        ticking = false;
        finish();
      } else setTimeout(tick, 1);
    };
    tick();
  });
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

function pct(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const args = parseArgs();
if (args.from === 'dist') {
  // The compiled coordinator must be the current source, or the figures are an old version's:
  // tsc -b is incremental (seconds when dist is current).
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`tsc -b failed (exit ${tsc.status}): the compiled coordinator would be stale; fix it or pass --from source`);
}
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
    nodeArgs: args.cpuProfDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`] : [],
    fromDist: args.from === 'dist',
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
    `gateway bench: 2 replicas, ${args.rate} req/s open loop through the gateway, ${args.rate / args.directEvery} req/s direct at the same moments, ${args.durationS} s per phase, ${args.phases} phases, coordinator from ${args.from}, load average ${loadavg()[0]?.toFixed(2)} on this machine`,
  );
  // Warm-up (connections, JIT).
  await phase(path, args.rate, args.warmupS, args.directEvery);
  const all = { direct: [] as Float64Array[], gateway: [] as Float64Array[] };
  const failed = { direct: 0, gateway: 0 };
  let coordCpuS = 0;
  let wallTotalS = 0;
  const ours = [process.pid, coordPid, ...endpoints.map((e) => e.child.pid as number)];
  const ourCpuS = (): number => ours.reduce((sum, pid) => sum + procCpuS(pid), 0);
  const f = (x: number): string => x.toFixed(3);
  console.log('phase | other work (cores of 2) | load avg | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 / p99 ms');
  for (let k = 0; k < args.phases; k++) {
    const m0 = machineJiffies();
    const o0 = ourCpuS();
    const c0 = procCpuS(coordPid);
    const w0 = performance.now();
    const r = await phase(path, args.rate, args.durationS, args.directEvery);
    const wallS = (performance.now() - w0) / 1000;
    coordCpuS += procCpuS(coordPid) - c0;
    wallTotalS += wallS;
    const m1 = machineJiffies();
    // Jiffies are 1/100 s (USER_HZ): cores busy with work other than this bench's processes.
    const others = Math.max(0, ((m1.busy - m0.busy) / 100 - (ourCpuS() - o0)) / wallS);
    const d = r.direct.sorted();
    const g = r.gateway.sorted();
    all.direct.push(d);
    all.gateway.push(g);
    failed.direct += r.direct.failed;
    failed.gateway += r.gateway.failed;
    console.log(
      `${String(k + 1).padStart(5)} | ${others.toFixed(2).padStart(23)} | ${(loadavg()[0] ?? NaN).toFixed(2).padStart(8)} | ${f(pct(d, 0.5))} / ${f(pct(d, 0.99))} | ${f(pct(g, 0.5))} / ${f(pct(g, 0.99))} | ${f(pct(g, 0.5) - pct(d, 0.5))} / ${f(pct(g, 0.99) - pct(d, 0.99))}`,
    );
  }
  const joined = (parts: Float64Array[]): Float64Array => {
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out.sort();
  };
  const stats = { direct: [] as number[], gateway: [] as number[] };
  console.log('path     |   calls | failed |  p50 ms  |  p90 ms  |  p99 ms  |  max ms');
  for (const which of ['direct', 'gateway'] as const) {
    const s = joined(all[which]);
    stats[which] = [pct(s, 0.5), pct(s, 0.9), pct(s, 0.99), s[s.length - 1] ?? NaN];
    console.log(
      `${which.padEnd(8)} | ${String(s.length).padStart(7)} | ${String(failed[which]).padStart(6)} | ${stats[which].map((x) => f(x).padStart(8)).join(' | ')}`,
    );
  }
  const d = stats.direct;
  const g = stats.gateway;
  // One call at a time, alternating paths in blocks: the latency the hop adds when nothing queues.
  const seq = { direct: [] as number[], gateway: [] as number[] };
  for (let k = 0; k < 4; k++) {
    seq.direct.push(...(await sequential(path.direct, 500)));
    seq.gateway.push(...(await sequential(path.gateway, 500)));
  }
  const sd = [...seq.direct].sort((a, b) => a - b);
  const sg = [...seq.gateway].sort((a, b) => a - b);
  console.log(
    `one call at a time (2000 calls per path): direct p50 ${f(pct(sd, 0.5))} / p99 ${f(pct(sd, 0.99))} ms, gateway p50 ${f(pct(sg, 0.5))} / p99 ${f(pct(sg, 0.99))} ms, added p50 ${f(pct(sg, 0.5) - pct(sd, 0.5))} ms, p99 ${f(pct(sg, 0.99) - pct(sd, 0.99))} ms`,
  );
  console.log(
    `added by the gateway at ${args.rate} req/s (gateway - direct, same moments, all phases): p50 ${f((g[0] ?? 0) - (d[0] ?? 0))} ms, p90 ${f((g[1] ?? 0) - (d[1] ?? 0))} ms, p99 ${f((g[2] ?? 0) - (d[2] ?? 0))} ms`,
  );
  if (failures.size) console.log(`failed calls by path and status (0: connection error): ${JSON.stringify(Object.fromEntries(failures))}`);
  console.log(
    `coordinator CPU while routing: ${((coordCpuS / wallTotalS) * 100).toFixed(1)} % of one core at ${args.rate} req/s; load average at the end ${loadavg()[0]?.toFixed(2)}`,
  );
} finally {
  for (const fn of cleanups.reverse()) await fn();
  pool.destroy();
}
