// `npm start`: isawatt's main job on one machine, on an embedded default.
//   1. starts a real coordinator (temporary state directory) with its embedded MQTT broker;
//   2. starts two real agents that EMULATE the paper's two servers, 2 × Intel Xeon Gold 5318Y
//      (x86_64, 24 cores / 48 threads each, TDP 2 × 175 W) and an Ampere Altra Max M128-30 (aarch64,
//      128 cores, TDP 250 W): their hardware facts and energy counters are emulated from the real
//      CPU time of the real function workers they run on this machine;
//   3. plans the paper's workload (22 functions, general mix) on the paper's cluster with every
//      policy, through the real MiniZinc solver, and prints the comparison (illustrative models);
//   4. profiles the demo's functions in a short `isawatt profile` campaign (scripts/demo/profile-step.ts)
//      and deploys a small workload of them onto the two live agents with the energy-aware policy,
//      planned on the models just measured: the agents start cgroup-pinned workers at the planned rates;
//   5. shows the live table (as `isawatt watch` does) with per-host and per-function power, and the
//      MQTT feed the lab's PDU logger would consume, until Ctrl-C (or --duration S);
//   6. ends with a short experiment on the emulated pair, two mixes × rr, core-aware and
//      energy-aware, planned on the models profiled in step 4, and writes its HTML report, printing
//      its path last (scripts/demo/experiment-step.ts; a second Ctrl-C skips it, --no-experiment too).
// Every figure carries its quality: the emulated hosts' power is EMULATED, the models are
// ILLUSTRATIVE; neither is a measurement. Then everything is stopped and the temp files removed.
//
//   npm start [-- --duration S] [--no-deploy] [--no-experiment] [--tick-interval-ms MS]
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { exitWithParentOrQuit, exitWithParentEnv, type wire } from '@isawatt/common';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { WatchModel } from '../packages/coordinator/src/cli/commands/watch.js';
import { freePort } from '../test/helpers/free-port.js';
import { profileStep } from './demo/profile-step.js';
import { demoAckTimeoutMs } from './demo/ack-timeout.js';
import { runExperimentStep } from './demo/experiment-step.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const coordinatorEntry = 'packages/coordinator/src/cli/entry.ts';
const agentEntry = 'packages/agent/src/main.ts';

/** The paper's two servers, emulated. `type` is the host type the models file knows them by. */
const emulatedHosts = [
  { id: 'xeon-1', profile: 'xeon-gold-5318y-2s', type: 'xeon-gold-5318y' },
  { id: 'altra-1', profile: 'altra-max-m128', type: 'altra-max-m128-30' },
] as const;

function parseFlags(): { durationS: number | undefined; deploy: boolean; experiment: boolean; tickMs: number } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        duration: { type: 'string' },
        'no-deploy': { type: 'boolean', default: false },
        experiment: { type: 'boolean', default: false },
        'no-experiment': { type: 'boolean', default: false },
        'tick-interval-ms': { type: 'string', default: '1000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\nusage: npm start [-- --duration S] [--no-deploy] [--no-experiment] [--tick-interval-ms MS]\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write('usage: npm start [-- --duration S] [--no-deploy] [--no-experiment] [--tick-interval-ms MS]\n');
    process.exit(0);
  }
  const positive = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`demo: ${flag}: expected a positive number, got "${v}"\n`);
      process.exit(2);
    }
    return n;
  };
  return {
    durationS: positive(values.duration, '--duration'),
    deploy: !values['no-deploy'],
    // On by default: the demo ends with it. --experiment is accepted for scripts written when it was opt-in.
    experiment: !values['no-experiment'],
    tickMs: positive(values['tick-interval-ms'], '--tick-interval-ms') ?? 1000,
  };
}

let stopping = false;
/** Set when the process that started the demo is gone (ISAWATT_EXIT_WITH_PARENT): stop, skip the rest. */
let parentGone = false;
/** Set on SIGTERM: the running CLI step is passed the signal, the steps after it are skipped. */
let terminated = false;
/** CLI commands running now, stopped if the demo's parent goes away mid-command. */
const activeCli = new Set<ChildProcess>();

// Every child gets a pipe on stdin that only this process holds, and ISAWATT_EXIT_WITH_PARENT=1:
// if the demo dies, even by SIGKILL, the pipe closes and they stop on their own (an agent removes
// its workers and cgroups); a Ctrl-C still reaches only the demo, which stops them in order.
const childEnv = { ...process.env, ...exitWithParentEnv };
const childStdin = (child: ChildProcess): void => void child.stdin?.on('error', () => undefined);

function startDaemon(name: string, script: string, args: string[], logFile: string): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: the terminal's Ctrl-C reaches only the demo, which stops them in order.
    detached: true,
  });
  childStdin(child);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`demo: ${name} exited (${code ?? signal}); see ${logFile}\n`);
  });
  return child;
}

/** Runs one `isawatt` CLI command, echoing it and its output as a user would see them; returns both. */
async function runCli(args: string[], display: string): Promise<{ code: number; output: string }> {
  process.stdout.write(`\n$ isawatt ${display}\n`);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, coordinatorEntry), ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  childStdin(child);
  activeCli.add(child);
  child.once('exit', () => activeCli.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { code, output };
}

/** The last box-drawn table of a CLI output (plan --policy all ends with the policy comparison). */
function lastTable(output: string): string {
  const lines = output.split('\n');
  const end = lines.findLastIndex((l) => l.startsWith('└'));
  const start = end < 0 ? -1 : lines.slice(0, end).findLastIndex((l) => l.startsWith('┌'));
  return start < 0 ? '' : lines.slice(start, end + 1).join('\n');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Counts what the coordinator publishes on the embedded broker, per kind of topic. */
class FeedCounter {
  total = 0;
  hostPower = 0;
  functionPower = 0;
  lastHostPayload = '';
  private readonly client: mqtt.MqttClient;

  constructor(url: string, prefix: string) {
    this.client = mqtt.connect(url, { clientId: `isawatt-demo-${process.pid}`, reconnectPeriod: 1000 });
    this.client.on('connect', () => this.client.subscribe(`${prefix}/#`));
    this.client.on('error', () => undefined);
    this.client.on('message', (topic, payload) => {
      this.total++;
      if (/\/hosts\/[^/]+\/power$/.test(topic)) {
        this.hostPower++;
        this.lastHostPayload = `${topic} ${payload.toString().slice(0, 160)}`;
      } else if (/\/functions\/[^/]+\/power$/.test(topic)) this.functionPower++;
    });
  }

  line(url: string, prefix: string): string {
    return [
      `MQTT feed (what the PDU logger subscribes to): mosquitto_sub -L ${url}/${prefix}/# -v`,
      `  ${this.total} messages so far: ${this.hostPower} host power, ${this.functionPower} function power, the rest retained state and events`,
      this.lastHostPayload ? `  last: ${this.lastHostPayload}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

async function main(): Promise<void> {
  const flags = parseFlags();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onSignal = (): void => done();
  // A terminal's Ctrl-C reaches the demo's whole process group, the CLI step running included; a
  // SIGTERM (`kill`, or npm passing its own on) reaches the demo alone, so it is passed on to that
  // step, which then stops as on Ctrl-C (cancels its bags or undeploys its run) instead of running
  // to its end first.
  const onTerm = (): void => {
    terminated = true;
    for (const c of activeCli) c.kill('SIGTERM');
    done();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onTerm);
  // Started with ISAWATT_EXIT_WITH_PARENT=1 (a test, a script): when that parent is gone, stop now,
  // without the closing experiment, and stop any CLI command running.
  exitWithParentOrQuit('demo', () => {
    parentGone = true;
    for (const c of activeCli) c.kill('SIGTERM');
    done();
  });
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-demo-'));
  const [grpcPort, mqttPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${grpcPort}`;
  const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
  const cluster = 'demo';
  const topicPrefix = `isawatt/${cluster}`;
  const children: ChildProcess[] = [];
  let feed: FeedCounter | undefined;
  const cleanup = async (): Promise<void> => {
    stopping = true;
    await feed?.close();
    for (const c of [...children].reverse()) await stopChild(c);
    await rm(dir, { recursive: true, force: true });
  };

  const client = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 3000 });
  let stream: ReturnType<ControlClient['watchTelemetry']> | undefined;
  let redraw: NodeJS.Timeout | undefined;
  let exitCode = 0;
  let reportFile: string | undefined;

  try {
    process.stdout.write(
      [
        'isawatt demo: a coordinator and two agents on this machine (real processes, real gRPC, real MQTT, real solver).',
        `The agents EMULATE the paper's servers (${emulatedHosts.map((h) => `${h.id} = ${h.profile}`).join(', ')}):`,
        "their hardware and power figures are emulated from this machine's CPU time, not measured.",
        `State and logs: ${dir}    Ctrl-C stops everything and removes them.`,
        `INSECURE for the demo: the coordinator serves ${address} without authentication (--insecure); deployments use mutual TLS (docs/security.md).`,
        process.getuid?.() === 0
          ? ''
          : 'Not running as root: the agents cannot create cgroups, so workers are pinned with sched_setaffinity and\n' +
            'their CPU time cannot be attributed; function power shows 0 W. Run as root for per-function energy.\n',
      ].join('\n'),
    );
    const coordinatorConfig = join(dir, 'coordinator.yaml');
    await writeFile(
      coordinatorConfig,
      [
        `cluster: ${cluster}`,
        `listen: "${address}"`,
        '# insecure: the demo runs on 127.0.0.1 without certificates, so its gRPC callers are not',
        '# authenticated (any local user could act as a host or operator). Deployments use mutual TLS.',
        'insecure: true',
        `stateDir: ${JSON.stringify(join(dir, 'state'))}`,
        'hostDownAfterMs: 5000',
        'mqtt:',
        '  broker: embedded',
        `  embedded: { host: 127.0.0.1, port: ${mqttPort} }`,
        '',
      ].join('\n'),
    );
    children.push(startDaemon('coordinator', coordinatorEntry, ['coordinator', '--config', coordinatorConfig], join(dir, 'coordinator.log')));
    for (const h of emulatedHosts) {
      const args = [
        '--coordinator',
        address,
        '--host-id',
        h.id,
        '--host-type',
        h.type,
        '--emulate',
        h.profile,
        '--tick-interval-ms',
        String(flags.tickMs),
        '--http-listen',
        'off',
      ];
      children.push(startDaemon(`agent ${h.id}`, agentEntry, args, join(dir, `agent-${h.id}.log`)));
    }

    const waitUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 90_000;
      while (!(await check().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`demo: ${what} did not happen within 90 s; see the logs in ${dir}`);
        await Promise.race([new Promise((r) => setTimeout(r, 250)), finished]);
      }
    };
    await waitUntil('coordinator start', async () => (await client.health()).status === 'serving');
    feed = new FeedCounter(mqttUrl, topicPrefix);
    await waitUntil(
      'both agents attached',
      async () => (await client.listHosts()).hosts.filter((h) => h.state === 'HOST_STATE_UP').length === emulatedHosts.length,
    );
    const conn = ['--coordinator', address];
    await runCli(['hosts', ...conn], 'hosts');

    // The paper's experiment: its workload on its cluster, every policy side by side.
    const plan = await runCli(
      ['plan', '--hosts', 'examples/hosts.yaml', '--models', 'examples/models.yaml', '--workload', 'examples/workload-general.yaml', '--policy', 'all'],
      'plan --hosts examples/hosts.yaml --models examples/models.yaml --workload examples/workload-general.yaml --policy all',
    );
    process.stdout.write('(examples/models.yaml holds ILLUSTRATIVE figures, not measurements: see its header.)\n');
    // Kept above the live table, which redraws the terminal and would scroll the plans away.
    const summary = [
      "The paper's workload (22 functions, general mix) on the paper's cluster, every policy (illustrative models):",
      lastTable(plan.output) || `(plan failed, exit ${plan.code})`,
    ];

    // The live hosts are emulated: an emulated CPU is a slice of one of this machine's CPUs, so the
    // experiment and the deployment are planned on the emulated hosts' own ground truth
    // (illustrative, from their profile files), not on examples/models.yaml.
    const truth = join(dir, 'emulated-ground-truth.yaml');
    if (flags.deploy || flags.experiment) {
      process.stdout.write(`\n$ isawatt-agent emulation models --out ${truth}\n`);
      const gen = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, agentEntry), 'emulation', 'models', '--out', truth], {
        cwd: root,
        env: childEnv,
        stdio: ['pipe', 'inherit', 'inherit'],
      });
      childStdin(gen);
      const genCode = await new Promise<number>((resolve) => gen.on('close', (c) => resolve(c ?? 1)));
      if (genCode !== 0) throw new Error(`demo: isawatt-agent emulation models failed (exit ${genCode})`);
    }

    let profiled: string | undefined;
    const demoFunctions = ['jwt-node', 'html-node', 'matrix-node', 'zip-node'];
    // Acks come once every worker is warm; the deadline grows with the warm-ups (demo/ack-timeout.ts).
    const ackTimeoutMs = demoAckTimeoutMs(
      emulatedHosts.map((h) => h.profile),
      demoFunctions.length,
    );
    if (flags.deploy) {
      profiled = terminated
        ? undefined
        : await profileStep({
            client,
            runCli,
            address,
            dir,
            functions: demoFunctions,
            write: (t) => process.stdout.write(t),
          });
      if (!terminated) {
        const deployOn = (models: string, shown: string): Promise<{ code: number; output: string }> =>
          runCli(
            [
              'deploy',
              ...conn,
              '--models',
              models,
              '--workload',
              'examples/workload-demo.yaml',
              '--policy',
              'energy-aware',
              '--ack-timeout-ms',
              String(ackTimeoutMs),
            ],
            `deploy --models ${shown} --workload examples/workload-demo.yaml --policy energy-aware --ack-timeout-ms ${ackTimeoutMs}`,
          );
        let deploy = profiled ? await deployOn(profiled, '<demo dir>/models-profiled.yaml') : { code: 1, output: '' };
        if (profiled && deploy.code !== 0) process.stdout.write('demo: no deployment on the profiled models; planning on the emulated ground truth instead\n');
        const usedProfiled = profiled !== undefined && deploy.code === 0;
        if (deploy.code !== 0) deploy = await deployOn(truth, '<emulated ground truth>');
        const outcome = deploy.output.split('\n').findIndex((l) => l.startsWith('deployed to') || l.startsWith('deployment failed'));
        summary.push(
          '',
          `examples/workload-demo.yaml deployed on the live (emulated) hosts with the energy-aware policy, planned on ${usedProfiled ? 'the models profiled just now (EMULATED)' : 'the emulated ground truth (illustrative)'}:`,
        );
        summary.push(outcome >= 0 ? deploy.output.split('\n').slice(outcome).join('\n').trimEnd() : `(deploy failed, exit ${deploy.code})`);
        if (deploy.code !== 0) {
          process.stderr.write(`demo: deploy failed (exit ${deploy.code}); the live table shows the hosts without functions. Logs: ${dir}\n`);
          exitCode = 1;
        }
      }
    }

    const model = new WatchModel();
    for (const h of (await client.listHosts()).hosts) model.addHost(h);
    stream = client.watchTelemetry('');
    stream.on('data', (ev: wire.TelemetryEvent__Output) => model.add(ev));
    stream.on('error', () => undefined);
    const tty = process.stdout.isTTY;
    const startedMs = Date.now();
    const draw = (): void => {
      const elapsed = ((Date.now() - startedMs) / 1000).toFixed(0);
      const title = `live: coordinator ${address}, ${elapsed} s, ${model.events} telemetry events${flags.durationS ? ` (stops after ${flags.durationS} s)` : ' (Ctrl-C to stop)'}`;
      const text = `${tty ? summary.join('\n') + '\n\n' : ''}${model.render(title, 12)}\n${feed?.line(mqttUrl, topicPrefix) ?? ''}\n`;
      process.stdout.write(tty ? '\x1b[H\x1b[2J' + text : text + '\n');
    };
    if (!tty) process.stdout.write('\n');
    redraw = setInterval(draw, tty ? 1000 : 5000);
    const timer = flags.durationS ? setTimeout(done, flags.durationS * 1000) : undefined;
    await finished;
    if (timer) clearTimeout(timer);
    draw();
    clearInterval(redraw);
    redraw = undefined;
    stream.cancel();
    stream = undefined;

    if (flags.experiment && !parentGone && !terminated) {
      // A second Ctrl-C reaches the experiment's CLI too (same process group): it undeploys and
      // exits 130, and the demo goes on to clean up instead of dying with its daemons left running.
      const skip = (): void => void process.stderr.write('\ndemo: stopping the experiment...\n');
      process.once('SIGINT', skip);
      process.once('SIGTERM', skip);
      process.stdout.write(
        '\nThe demo ends with a short experiment on the live (emulated) hosts: two mixes x rr, core-aware, energy-aware (Ctrl-C skips it).\n',
      );
      const step = await runExperimentStep({
        address,
        // What the emulated cores really deliver (step 4), else the emulation's ground truth.
        modelsFile: profiled ?? truth,
        functions: demoFunctions,
        mixes: ['general', 'web'],
        ackTimeoutMs,
        policies: ['rr', 'core-aware', 'energy-aware'],
        // Enough emulated CPUs per function that a carrier worker runs often (docs/experiments.md, "On this machine").
        load: 0.2,
        durationS: 8,
        warmupS: 6,
        settleS: 1,
        reportFile: join(tmpdir(), `isawatt-demo-report-${new Date().toISOString().replace(/[-:.]/g, '')}.html`),
        runCli,
      });
      process.off('SIGINT', skip);
      process.off('SIGTERM', skip);
      if (step.table) process.stdout.write(`\nexperiment ${step.experimentId ?? ''} (energy EMULATED):\n${step.table}\n`);
      if (!step.ok) process.stderr.write('demo: the experiment did not complete cleanly (a run missed its rates, failed or was stopped); see above\n');
      reportFile = step.reportFile;
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    exitCode = 1;
  } finally {
    if (redraw) clearInterval(redraw);
    stream?.cancel();
    client.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onTerm);
    process.stderr.write('\ndemo: stopping the agents (their workers and cgroups go with them) and the coordinator...\n');
    await cleanup();
    process.stderr.write('demo: stopped, temporary files removed\n');
    // Last line of the demo: where the experiment's report is (it outlives the temporary directory).
    if (reportFile) process.stdout.write(`report: ${reportFile}\n`);
  }
  process.exitCode = exitCode;
}

await main();
