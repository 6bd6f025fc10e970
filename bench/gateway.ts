// Benchmark of the coordinator's HTTP gateway: latency it adds to a call at a fixed open-loop rate.
// A real `isawatt coordinator` process with --gateway-listen; an /invoke endpoint standing in for
// an agent's (a child process answering at once, so that the figures are the gateway's own cost,
// not a function's); a FakeAgent (real AgentLink client) advertising that endpoint with one
// function placed on it. The load generator (this process) sends POST /invoke/fn-000 at --rate
// requests/s, open loop (arrivals on a fixed schedule, whatever the answers do), over keep-alive
// connections, in alternating phases: directly to the endpoint (the baseline, same run) and
// through the gateway. Latency is measured from the scheduled send time, so a backlog counts.
// It prints p50/p90/p99/max per path and the added latency (gateway minus direct, per
// percentile), with the coordinator's CPU and the load average (2-core shared machine: a high
// load inflates both paths), then the same one call at a time (closed loop), which shows the hop's
// own latency when nothing queues.
//
//   node --conditions=source --import tsx bench/gateway.ts [--rate 1000] [--duration 10] [--phases 2] [--warmup 2]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { FakeAgent } from '../test/helpers/fake-agent.js';
import { eventually, freePort, startCoordinator } from '../test/helpers/processes.js';

function parseArgs(argv: string[]): { rate: number; durationS: number; phases: number; warmupS: number } {
  const a = { rate: 1000, durationS: 10, phases: 2, warmupS: 2 };
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

function call(port: number): Promise<number> {
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
async function phase(port: number, rate: number, seconds: number): Promise<{ lat: number[]; failed: number }> {
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
async function sequential(port: number, calls: number): Promise<number[]> {
  const lat: number[] = [];
  for (let k = 0; k < calls; k++) {
    const t = performance.now();
    if ((await call(port)) === 200) lat.push(performance.now() - t);
  }
  return lat;
}

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function procCpuS(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const args = parseArgs(process.argv.slice(2));
const cleanups: (() => unknown)[] = [];
const cleanup = { after: (fn: () => unknown) => void cleanups.push(fn) };
try {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const endpoint = await startEndpoint();
  cleanups.push(() => endpoint.child.kill('SIGTERM'));
  const [port, gport] = [await freePort(), await freePort()];
  const coord = await startCoordinator(cleanup, {
    port,
    stateDir: join(dir, 'state'),
    args: ['--host-down-after-ms', '600000', '--gateway-listen', `127.0.0.1:${gport}`],
  });
  await eventually('gateway port open', () => call(gport).then((s) => (s !== 0 ? true : undefined)));
  const agent = new FakeAgent({
    address: `127.0.0.1:${port}`,
    hostId: 'bench-host',
    functionCpus: 4,
    functions: 1,
    invokeAddress: `127.0.0.1:${endpoint.port}`,
  });
  cleanups.push(() => agent.close());
  await agent.attach();
  const client = new ControlClient({ address: `127.0.0.1:${port}`, tls: {}, insecure: false, deadlineMs: 5000 });
  cleanups.push(() => client.close());
  await eventually('host up', async () => ((await client.listHosts()).hosts.some((h) => h.state === 'HOST_STATE_UP') ? true : undefined));
  // FakeAgent's catalogue names its functions fn-000...; the endpoint answers any name.
  const dep = await client.setAssignment({
    host_id: 'bench-host',
    ack_timeout_ms: 5000,
    functions: [{ function: 'fn-000', cores: 1, rate_rps: 0, arrival: '' }],
  });
  if (!dep.ack?.ok) throw new Error(`assignment refused: ${dep.ack?.error}`);
  // Both paths send POST /invoke/fn-000 with the same body: the gateway routes it to the endpoint.
  const path = { direct: endpoint.port, gateway: gport };
  const coordPid = coord.child.pid as number;

  console.log(
    `gateway bench: ${args.rate} req/s open loop, ${args.durationS} s per phase, ${args.phases} phases per path, load average ${loadavg()[0]?.toFixed(2)} on this machine`,
  );
  // Warm-up both paths (connections, JIT).
  await phase(path.direct, args.rate, args.warmupS);
  await phase(path.gateway, args.rate, args.warmupS);
  const results = { direct: [] as number[], gateway: [] as number[] };
  const failed = { direct: 0, gateway: 0 };
  let gatewayCpuS = 0;
  let gatewayWallS = 0;
  for (let k = 0; k < args.phases; k++) {
    for (const which of ['direct', 'gateway'] as const) {
      const cpu0 = procCpuS(coordPid);
      const t0 = performance.now();
      const r = await phase(path[which], args.rate, args.durationS);
      if (which === 'gateway') {
        gatewayCpuS += procCpuS(coordPid) - cpu0;
        gatewayWallS += (performance.now() - t0) / 1000;
      }
      results[which].push(...r.lat);
      failed[which] += r.failed;
    }
  }
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
