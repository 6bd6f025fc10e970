// Benchmark of the coordinator's MQTT feed: N hosts x F functions reporting at 1 Hz, published by
// the real bridge to a real mosquitto (started here, config in a temp dir), with a separate
// mosquitto_sub process counting what arrives. Reports publish and delivery rates, drops, the
// bridge's queue, the coordinator-side CPU it costs (this process's CPU minus a baseline phase in
// which the same ticks are generated with no bridge), the event-loop delay that ingest would see,
// and mosquitto's own CPU.
//
//   node --conditions=source --import tsx bench/mqtt-publish.ts [--hosts 100] [--functions 200]
//        [--duration 20] [--baseline 10] [--mode per-function|per-host] [--qos 0|1] [--json FILE]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { silentLogger } from '@isawatt/common';
import { mqttConfigSchema } from '../packages/coordinator/src/mqtt/config.js';
import { createMqtt } from '../packages/coordinator/src/mqtt/create-mqtt.js';
import { FakeBridgeSource } from '../packages/coordinator/src/mqtt/fake-bridge-source.test-support.js';
import { Mosquitto } from '../test/integration/mqtt-mosquitto.js';
import { choiceOption, numberOption, parseBenchArgs } from './lib/options.js';

interface Args {
  hosts: number;
  functions: number;
  durationS: number;
  baselineS: number;
  mode: 'per-function' | 'per-host';
  qos: 0 | 1;
  json?: string;
}

function parseArgs(): Args {
  const url = import.meta.url;
  const v = parseBenchArgs(url, {
    hosts: { type: 'string', default: '100', description: 'hosts reporting' },
    functions: { type: 'string', default: '200', description: 'functions per host' },
    duration: { type: 'string', default: '20', description: 'measured seconds' },
    baseline: { type: 'string', default: '10', description: 'seconds of the no-bridge baseline phase' },
    mode: { type: 'string', default: 'per-function', description: 'topic layout: per-function or per-host' },
    qos: { type: 'string', default: '0', description: 'MQTT QoS: 0 or 1' },
    json: { type: 'string', description: 'also write the figures to this JSON file' },
  });
  return {
    hosts: numberOption(url, 'hosts', v.hosts, { integer: true, min: 1 }),
    functions: numberOption(url, 'functions', v.functions, { integer: true, min: 1 }),
    durationS: numberOption(url, 'duration', v.duration, { above: 0 }),
    baselineS: numberOption(url, 'baseline', v.baseline, { above: 0 }),
    mode: choiceOption(url, 'mode', v.mode, ['per-function', 'per-host'] as const),
    qos: Number(choiceOption(url, 'qos', v.qos, ['0', '1'] as const)) as 0 | 1,
    ...(v.json !== undefined ? { json: v.json } : {}),
  };
}

function cpuMsOfPid(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** ns on a CPU and ns runnable but waiting for one, over all threads of a process (/proc/<pid>/task/<tid>/schedstat). */
function schedNs(pid: number | 'self'): { runNs: number; waitNs: number } {
  let runNs = 0;
  let waitNs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
      runNs += run ?? 0;
      waitNs += wait ?? 0;
    } catch {
      // thread exited between readdir and read
    }
  }
  return { runNs, waitNs };
}

function cpuMsSelf(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs ticks at 1 Hz for `seconds`; returns CPU ms used by this process and event-loop delay. */
async function phase(
  source: FakeBridgeSource,
  functions: number,
  seconds: number,
): Promise<{ cpuMs: number; wallMs: number; loopP99Ms: number; loopMaxMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const cpu0 = cpuMsSelf();
  const t0 = Date.now();
  // Like real agents, hosts report at different phases of the second: 10 slots of 100 ms.
  const hosts = source.hosts().map((h) => h.hostId);
  const slots = 10;
  for (let i = 0; i < seconds * slots; i++) {
    const due = t0 + (i + 1) * (1000 / slots);
    if (i % slots === 0) source.nextSeq();
    source.reportFor(
      hosts.filter((_, k) => k % slots === i % slots),
      Date.now(),
      functions,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  h.disable();
  return { cpuMs: cpuMsSelf() - cpu0, wallMs: Date.now() - t0, loopP99Ms: h.percentile(99) / 1e6, loopMaxMs: h.max / 1e6 };
}

const args = parseArgs();
const mosq = await Mosquitto.start();
const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(mosq.port), '-t', 'isawatt/bench/hosts/#', '-F', '%t'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let delivered = 0;
sub.stdout.on('data', (d: Buffer) => {
  for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) delivered++;
});
try {
  const source = new FakeBridgeSource();
  for (let i = 0; i < args.hosts; i++) source.addHost(`host-${String(i).padStart(3, '0')}`, i % 2 === 0 ? 'x86_64' : 'aarch64');

  // Baseline: the same ticks with nobody listening (what the registry's own work would cost).
  const base = await phase(source, args.functions, args.baselineS);

  const config = mqttConfigSchema.parse({ broker: mosq.url, qos: args.qos, publish: { functions: args.mode } });
  const wiring = createMqtt({ config, cluster: 'bench', stateDir: undefined, source, log: silentLogger() });
  for (const s of wiring.services) await s.init?.();
  const bridge = wiring.bridge;
  if (!bridge) throw new Error('no bridge');
  while (bridge.status() !== 'connected') await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
  const pub0 = bridge.stats().published;
  const del0 = delivered;
  const mosqCpu0 = cpuMsOfPid(mosq.pid);
  const sched0 = schedNs('self');
  let maxQueued = 0;
  const qTimer = setInterval(() => (maxQueued = Math.max(maxQueued, bridge.stats().queued)), 50);
  const run = await phase(source, args.functions, args.durationS);
  const sched1 = schedNs('self');
  // Let the last tick drain before counting.
  const drainStart = Date.now();
  while (bridge.stats().queued > 0 && Date.now() - drainStart < 10_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
  clearInterval(qTimer);
  const mosqCpuMs = cpuMsOfPid(mosq.pid) - mosqCpu0;
  const st = bridge.stats();
  for (const s of [...wiring.services].reverse()) await s.shutdown?.();

  const perTick = args.hosts * (1 + (args.mode === 'per-function' ? args.functions : 1));
  const offered = perTick * args.durationS;
  const published = st.published - pub0;
  const seconds = run.wallMs / 1000;
  const result = {
    hosts: args.hosts,
    functionsPerHost: args.functions,
    mode: args.mode,
    qos: args.qos,
    durationS: args.durationS,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}`,
    loadAverage1mAtEnd: round(loadavg()[0] ?? 0),
    messagesPerTick: perTick,
    offeredMsgPerS: Math.round(offered / seconds),
    publishedMsgPerS: Math.round(published / seconds),
    deliveredToSubscriberMsgPerS: Math.round((delivered - del0) / seconds),
    dropped: st.dropped,
    failed: st.failed,
    maxQueued,
    baselineCpuPctOfOneCore: round((100 * base.cpuMs) / base.wallMs),
    withBridgeCpuPctOfOneCore: round((100 * run.cpuMs) / run.wallMs),
    bridgeCpuPctOfOneCore: round((100 * run.cpuMs) / run.wallMs - (100 * base.cpuMs) / base.wallMs),
    // CPU the bridge spends per published message, and what the offered rate would cost at that price
    // (meaningful when the machine is shared and the process gets less than the CPU it needs).
    bridgeCpuUsPerMessage: round(((run.cpuMs - (base.cpuMs * run.wallMs) / base.wallMs) * 1000) / Math.max(1, published)),
    projectedBridgeCpuPctAtOfferedRate: round((((run.cpuMs - (base.cpuMs * run.wallMs) / base.wallMs) / Math.max(1, published)) * offered * 100) / run.wallMs),
    eventLoopDelayP99Ms: round(run.loopP99Ms),
    eventLoopDelayMaxMs: round(run.loopMaxMs),
    baselineEventLoopDelayP99Ms: round(base.loopP99Ms),
    // Time this process's threads were runnable but waiting for a CPU (other jobs on the machine):
    // when it is large, the rates above are bounded by the machine being shared, not by the bridge.
    runQueueWaitPctOfWall: round((100 * (sched1.waitNs - sched0.waitNs)) / 1e6 / run.wallMs),
    mosquittoCpuPctOfOneCore: round((100 * mosqCpuMs) / (run.wallMs + (Date.now() - drainStart))),
  };
  console.log(JSON.stringify(result, null, 2));
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2) + '\n');
} finally {
  sub.kill('SIGKILL');
  await mosq.stop();
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
