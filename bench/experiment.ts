// The paper's experiment on the emulated pair, end to end, with the real CLI: a coordinator and two
// emulated agents (xeon-gold-5318y-2s and altra-max-m128 by default) on this machine, the pair's
// ground-truth models (`isawatt-agent emulation models`: ILLUSTRATIVE, the emulation's own truth),
// `isawatt experiment` over the mixes × policies, then a deliberately overloaded `isawatt run`
// (models that overstate one function's throughput 4×, so the plan gives it too few cores), then
// `isawatt report` of both. Prints the experiment's table, the checks of issue 12 (runs meeting their
// rates; energy-aware vs round-robin saving per mix, measured against predicted; energy-aware-whole
// vs energy-aware; the overloaded run naming its function) and writes the report to
// bench/results/experiment-report.html. Every energy figure here is EMULATED.
//
// Scale: load 0.3 of the pair's 224 emulated CPUs. The workers then use at most ~0.34 real CPUs
// and each agent ~0.1 CPU to drive up to ~2,000 invocations/s (html-node in the web mix), about 0.6
// of a quiet 2-CPU machine; below 0.3 the minor functions of the dominated mixes get 3 emulated CPUs
// (slow functions then have too few invocations per window for a 2 % check), above it the web and
// scientific mixes need more invocations per second than one agent pumps reliably here
// (docs/experiments.md, "On this machine"). The bench prints the CPU the emulation used and how busy
// the machine was: on a machine busy with other work, runs miss their rates and say so.
//
//   node --conditions=source --import tsx bench/experiment.ts [--duration S] [--warmup S]
//        [--settle S] [--load F] [--repeat K] [--mixes LIST] [--policies LIST] [--functions LIST]
//        [--profiles A,B] [--models FILE] [--headroom F] [--robust-quantile Q] [--report FILE]
//        [--logs-dir DIR]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, REPO_ROOT, spawnTs, startCoordinator, type Proc } from '../test/helpers/processes.js';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { procCpuS } from './lib/proc-usage.js';
import { badInput, choiceOption, listOption, numberOption, parseBenchArgs } from './lib/options.js';
import { openLoopFitTable } from './lib/open-loop-fit-table.js';
import { loadModelsFile } from '../packages/coordinator/src/workload/parse.js';
import { parseOpenLoopUtilisations } from '../packages/coordinator/src/cli/commands/open-loop-flag.js';
import { parseRobustQuantile } from '../packages/coordinator/src/placement/inputs.js';

const flags = parseBenchArgs(import.meta.url, {
  duration: { type: 'string', default: '30' },
  // Workers warm their JIT at full speed before the deployment is acked (docs/agent.md); the
  // warm-up only lets queues and CFS periods settle.
  warmup: { type: 'string', default: '10' },
  settle: { type: 'string', default: '3' },
  load: { type: 'string', default: '0.3' },
  repeat: { type: 'string', default: '1' },
  seed: { type: 'string', default: '1' },
  mixes: { type: 'string', default: 'general,crypto,media,scientific,web' },
  policies: { type: 'string', default: 'rr,x86-first,arm-first,core-aware,energy-aware,energy-aware-whole' },
  // Node.js functions of every category: one worker process per emulated core, and Node workers
  // are the lightest to start on a 2-CPU machine that runs both emulated servers.
  functions: { type: 'string', default: 'jwt-node,thumbnail-node,matrix-node,html-node' },
  'ack-timeout-ms': { type: 'string', default: '180000' },
  profiles: { type: 'string', default: 'xeon-gold-5318y-2s:xeon-gold-5318y,altra-max-m128:altra-max-m128-30' },
  models: { type: 'string' },
  // Models the plans are made on when --models is not given: 'profile' measures them on the pair
  // first (isawatt profile, what the emulator really delivers per core, worker overhead included),
  // 'truth' is the emulation's ground truth (isawatt-agent emulation models).
  'models-from': { type: 'string', default: 'profile' },
  'profile-cores': { type: 'string', default: '8' },
  'profile-duration': { type: 'string', default: '30' },
  // The profile's open-loop phases (isawatt profile --open-loop): each function's cost at these
  // shares of its saturated capacity, one phase each, which the plans are then made on (0:
  // saturated figures only). The same default as the CLI: points either side of the ≈ 0.72 the
  // runs load functions to.
  'open-loop': { type: 'string', default: '0.6,0.85' },
  // Figures the experiment plans on (isawatt experiment --figures): open-loop or saturated.
  figures: { type: 'string', default: 'open-loop' },
  // Stop after profiling (prints the saturated and open-loop figures): the diagnosis measurement.
  'profile-only': { type: 'boolean', default: false },
  headroom: { type: 'string', default: '0.2' },
  // Plan each function on this quantile of its bags' speed instead of their mean (isawatt
  // experiment --robust-quantile; placement/robust.ts): a margin for a 2-bag profile's spread.
  'robust-quantile': { type: 'string' },
  // Where to copy the experiment's run records (for `isawatt simulate --compare FILE` later).
  'records-out': { type: 'string' },
  'compare-out': { type: 'string' },
  overload: { type: 'string', default: 'html-node' },
  report: { type: 'string', default: join(REPO_ROOT, 'bench/results/experiment-report.html') },
  // Keep the agents' and the coordinator's logs (debug level) in this directory: the account of a
  // run that missed its rates (when its carriers were warm, what stopped when).
  'logs-dir': { type: 'string' },
});

// Checked here, before the coordinator, the agents and the profile start (minutes of work); the CLI
// checks the rest of what it is passed.
{
  const url = import.meta.url;
  for (const name of ['duration', 'profile-duration'] as const) numberOption(url, name, flags[name], { above: 0 });
  for (const name of ['warmup', 'settle', 'headroom'] as const) numberOption(url, name, flags[name], { min: 0 });
  numberOption(url, 'load', flags.load, { above: 0, max: 1 });
  for (const name of ['repeat', 'profile-cores', 'ack-timeout-ms'] as const) numberOption(url, name, flags[name], { integer: true, min: 1 });
  numberOption(url, 'seed', flags.seed, { integer: true, min: 0 });
  // The CLI's own parsers: the experiment would refuse these only after the profile.
  try {
    parseOpenLoopUtilisations('--open-loop', flags['open-loop']);
    if (flags['robust-quantile'] !== undefined) parseRobustQuantile(flags['robust-quantile']);
  } catch (e) {
    badInput(url, (e as Error).message);
  }
  choiceOption(url, 'figures', flags.figures, ['open-loop', 'saturated'] as const);
  choiceOption(url, 'models-from', flags['models-from'], ['profile', 'truth'] as const);
  for (const name of ['mixes', 'policies', 'functions'] as const) listOption(url, name, flags[name]);
  const pair = listOption(url, 'profiles', flags.profiles);
  if (pair.length !== 2 || pair.some((p) => !/^[^:]+:[^:]+$/.test(p)))
    badInput(url, `--profiles: expected two PROFILE:HOST-TYPE pairs (x86, then ARM), got ${JSON.stringify(flags.profiles)}`);
  if (!listOption(url, 'functions', flags.functions).includes(flags.overload))
    badInput(url, `--overload: expected one of --functions (${flags.functions}), got ${JSON.stringify(flags.overload)}`);
}

const CLI = join(REPO_ROOT, 'packages/coordinator/src/cli/entry.ts');
const AGENT = join(REPO_ROOT, 'packages/agent/src/main.ts');

/** The CLI command running now: Ctrl-C / SIGTERM of the bench is passed on to it (a run undeploys). */
let current: ReturnType<typeof spawn> | undefined;
/** Stops the coordinator and agents (set by main): a signal between CLI commands stops the bench. */
let shutdown: (() => Promise<void>) | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (current) current.kill('SIGINT');
    else void (shutdown ?? (() => Promise.resolve()))().finally(() => process.exit(130));
  });

function cli(args: string[], echo = true): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (echo) process.stdout.write(c);
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    current = child;
    child.on('close', (code) => {
      current = undefined;
      resolve({ code: code ?? 1, out, err });
    });
  });
}

function agentTool(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', AGENT, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`isawatt-agent ${args.join(' ')}: exit ${code}\n${out}`))));
  });
}

interface Cleanup {
  after(fn: () => unknown): void;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-experiment-'));
  const closers: (() => unknown)[] = [];
  const t: Cleanup = { after: (fn) => closers.push(fn) };
  shutdown = async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const coordinator = await startCoordinator(t, { port, stateDir: join(dir, 'state') });
    const pair = flags.profiles.split(',').map((p, i) => {
      const [profile = '', hostType = ''] = p.split(':');
      return { id: `${i === 0 ? 'xeon' : 'altra'}-bench`, profile, hostType };
    });
    const agents: Proc[] = pair.map((h) =>
      spawnTs(t, `agent:${h.id}`, AGENT, [
        '--coordinator',
        address,
        '--host-id',
        h.id,
        '--host-type',
        h.hostType,
        '--emulate',
        h.profile,
        '--http-listen',
        'off',
        ...(flags['logs-dir'] ? ['--log-level', 'debug'] : []),
      ]),
    );
    const logsDir = flags['logs-dir'];
    if (logsDir)
      t.after(async () => {
        await mkdir(logsDir, { recursive: true });
        for (const p of [coordinator, ...agents]) await writeFile(join(logsDir, `${p.name.replace(/[^\w.-]/g, '_')}.log`), p.lines.join('\n') + '\n');
      });
    // CPU the emulation itself needs (agents with their exited workers, coordinator, the CLI
    // commands this bench ran), against the machine's busy CPU over the same span: the figure that
    // says whether this machine could carry the experiment at this load.
    const ourPids = [coordinator, ...agents].map((a) => a.child.pid ?? 0);
    const ourCpuS = (): number => ourPids.reduce((s, pid) => s + procCpuS(pid, true), 0) + procCpuS(process.pid, true) - procCpuS(process.pid);
    const machineBusyS = (): number => {
      // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal (USER_HZ ticks).
      const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
      return (f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0)) / 100;
    };
    const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
    if (!['profile', 'truth'].includes(flags['models-from'])) throw new Error(`--models-from: expected profile or truth, got "${flags['models-from']}"`);
    const profiling = !flags.models && flags['models-from'] === 'profile';
    const modelsFile = flags.models ?? join(dir, profiling ? 'profiled.yaml' : 'ground-truth.yaml');
    if (!flags.models && !profiling) await agentTool(['emulation', 'models', '--profiles', pair.map((h) => h.profile).join(','), '--out', modelsFile]);
    // Wait for both hosts.
    for (let i = 0; ; i++) {
      const h = await cli(['hosts', '--coordinator', address, '--json'], false);
      const up = h.code === 0 ? (JSON.parse(h.out) as { hosts: { state: string }[] }).hosts.filter((x) => x.state === 'HOST_STATE_UP').length : 0;
      if (up === pair.length) break;
      if (i > 120) throw new Error('the emulated hosts did not attach within 2 minutes');
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (profiling) {
      // Every function of the experiment in one bag (all co-located, as in the runs), twice.
      const n = flags.functions.split(',').length;
      const args = ['profile', '--coordinator', address, '--functions', flags.functions, '--bags', '2', '--bag-size', String(n), '--min-bags', '2'];
      args.push('--cores-per-function', flags['profile-cores'], '--duration', flags['profile-duration'], '--warmup', '10', '--idle', '10');
      args.push('--open-loop', flags['open-loop'], '--out', modelsFile);
      process.stdout.write(`$ isawatt ${args.join(' ').replace(address, 'HOST:PORT').replace(modelsFile, 'profiled.yaml')}\n`);
      const prof = await cli(args);
      if (prof.code !== 0) throw new Error(`isawatt profile exited ${prof.code}: ${prof.err}`);
      if (flags['records-out']) await writeFile(flags['records-out'].replace(/\.json$/, '') + '-models.yaml', await readFile(modelsFile, 'utf8'));
    }
    if (flags['profile-only']) {
      // The planner's energy model through the points just measured, and its price where runs load
      // functions (≈ 0.72 in the full matrix), with all points and with the highest one alone.
      process.stdout.write(
        `\nload average ${loadavg()}; open-loop fit (placement/open-loop-fit.ts):\n${openLoopFitTable(loadModelsFile(modelsFile), [0.72])}\n`,
      );
      return;
    }
    process.stdout.write(
      `emulated pair: ${pair.map((h) => `${h.id} = ${h.profile} (${h.hostType})`).join(', ')}; models ${flags.models ?? (profiling ? 'profiled on the pair just now (EMULATED)' : 'ground truth of the emulation (ILLUSTRATIVE)')}; headroom ${flags.headroom}; plans on ${flags.figures} figures\n`,
    );
    process.stdout.write(
      `experiment: mixes ${flags.mixes}; policies ${flags.policies}; load ${flags.load}; ${flags.duration} s per run after ${flags.warmup} s warm-up, ${flags.settle} s settling; functions ${flags.functions}\n\n`,
    );
    const started = Date.now();
    const cpu0 = { ours: ourCpuS(), machine: machineBusyS(), load: loadavg() };
    const exp = await cli(
      [
        'experiment',
        '--coordinator',
        address,
        '--models',
        modelsFile,
        '--mixes',
        flags.mixes,
        '--policies',
        flags.policies,
        '--functions',
        flags.functions,
        '--load',
        flags.load,
        '--duration',
        flags.duration,
        '--warmup',
        flags.warmup,
        '--settle',
        flags.settle,
        '--repeat',
        flags.repeat,
        '--seed',
        flags.seed,
        '--headroom',
        flags.headroom,
        '--figures',
        flags.figures,
        ...(flags['robust-quantile'] === undefined ? [] : ['--robust-quantile', flags['robust-quantile']]),
        '--ack-timeout-ms',
        flags['ack-timeout-ms'],
        '--json',
      ],
      false,
    );
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    const wallS = (Date.now() - started) / 1000;
    const cpu1 = { ours: ourCpuS(), machine: machineBusyS(), load: loadavg() };
    const usage =
      `CPU over the experiment (${cpus().length} CPUs, ${wallS.toFixed(0)} s wall, load average ${cpu0.load} at the start, ${cpu1.load} at the end): ` +
      `the emulation (agents, their function workers, coordinator, CLI) used ${((cpu1.ours - cpu0.ours) / wallS).toFixed(2)} CPUs on average, ` +
      `the whole machine was busy ${((cpu1.machine - cpu0.machine) / wallS).toFixed(2)} CPUs (other work: ${((cpu1.machine - cpu0.machine - (cpu1.ours - cpu0.ours)) / wallS).toFixed(2)})\n`;
    if ((exp.code !== 0 && exp.code !== 1) || !exp.out.trim()) throw new Error(`isawatt experiment exited ${exp.code}: ${exp.err}`);
    const res = JSON.parse(exp.out) as {
      experimentId: string;
      runs: {
        mix: string;
        policy: string;
        metRates: boolean;
        energyJ: number;
        predictedEnergyJ: number;
        functionsMissingRate: { name: string; reason?: string }[];
      }[];
      cells: {
        mix: string;
        policy: string;
        runs: number;
        metRates: number;
        energyMeanJ: number;
        energyMedianJ: number;
        energyMinJ: number;
        energyMaxJ: number;
        predictedMeanJ: number;
        savingVsRrPct?: number;
        predictedSavingVsRrPct?: number;
        quality: string;
      }[];
      failures: string[];
    };
    const table = await cli(['runs', '--coordinator', address, '--experiment', res.experimentId], false);
    process.stdout.write(`${table.out}\n`);
    const pct = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(1)} %`);
    process.stdout.write(
      `experiment ${res.experimentId}: ${res.runs.length} runs in ${minutes} min; ${res.runs.filter((r) => r.metRates).length}/${res.runs.length} met their rates\n\n`,
    );
    process.stdout.write(
      '| mix | policy | met rates | energy J (median, EMULATED) | min-max J | predicted J | saving vs rr | predicted saving |\n|---|---|---:|---:|---:|---:|---:|---:|\n',
    );
    for (const c of res.cells) {
      process.stdout.write(
        `| ${c.mix} | ${c.policy} | ${c.metRates}/${c.runs} | ${c.energyMedianJ.toFixed(0)} | ${c.energyMinJ.toFixed(0)}-${c.energyMaxJ.toFixed(0)} | ${c.predictedMeanJ.toFixed(0)} | ${pct(c.savingVsRrPct)} | ${pct(c.predictedSavingVsRrPct)} |\n`,
      );
    }
    process.stdout.write(`\n${usage}`);
    process.stdout.write('\nchecks (issue 12):\n');
    const mixes = [...new Set(res.cells.map((c) => c.mix))];
    for (const m of mixes) {
      const ea = res.cells.find((c) => c.mix === m && c.policy === 'energy-aware');
      const eaw = res.cells.find((c) => c.mix === m && c.policy === 'energy-aware-whole');
      if (ea?.savingVsRrPct !== undefined && ea.predictedSavingVsRrPct !== undefined) {
        const diff = ea.savingVsRrPct - ea.predictedSavingVsRrPct;
        process.stdout.write(
          `  ${m}: energy-aware saves ${pct(ea.savingVsRrPct)} vs rr (predicted ${pct(ea.predictedSavingVsRrPct)}, ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} points): ${ea.savingVsRrPct > 0 && Math.abs(diff) <= 3 ? 'ok' : 'NOT MET'}\n`,
        );
      }
      if (ea && eaw)
        process.stdout.write(
          `  ${m}: energy-aware-whole ${eaw.energyMeanJ.toFixed(0)} J vs energy-aware ${ea.energyMeanJ.toFixed(0)} J: ${eaw.energyMeanJ <= ea.energyMeanJ ? 'ok (<=)' : 'NOT MET (>)'}\n`,
        );
    }
    for (const f of res.failures) process.stdout.write(`  failure: ${f}\n`);

    // Issue 13's check: the simulator replays every run of the experiment on the pair's cluster
    // file, planned on the models the runs stored, and sets its energy beside the measured one.
    const compareArgs = [
      'simulate',
      '--cluster',
      join(REPO_ROOT, 'examples/cluster-emulated-pair.yaml'),
      '--compare',
      res.experimentId,
      '--coordinator',
      address,
    ];
    compareArgs.push('--arrivals', 'constant', '--no-spread');
    const cmp = await cli(compareArgs, false);
    const cmpText = `$ isawatt simulate --cluster examples/cluster-emulated-pair.yaml --compare ${res.experimentId} --coordinator HOST:PORT --arrivals constant --no-spread\n(exit ${cmp.code})\n${cmp.out}${cmp.err}`;
    process.stdout.write(`\n${cmpText}\n`);
    if (flags['compare-out']) await writeFile(flags['compare-out'], cmpText);
    if (flags['records-out']) {
      const records = [];
      for (const r of res.runs as unknown as { id: string }[]) {
        const shown = await cli(['runs', 'show', r.id, '--coordinator', address, '--json'], false);
        records.push(JSON.parse(shown.out) as unknown);
      }
      await writeFile(flags['records-out'], JSON.stringify({ experimentId: res.experimentId, runs: records }) + '\n');
      process.stdout.write(`run records: ${flags['records-out']}\n`);
    }

    // A deliberately overloaded run: the models overstate one function's throughput 4x, so the plan
    // gives it a quarter of the cores it needs at its rate (both figures: plans use the open-loop one).
    const models = parse(await readFile(modelsFile, 'utf8')) as {
      hostTypes: Record<string, { functions: Record<string, { execPerSecPerCore: number; openLoop?: { execPerSecPerCore: number } }> }>;
    };
    for (const ht of Object.values(models.hostTypes)) {
      const f = ht.functions[flags.overload];
      if (f) f.execPerSecPerCore *= 4;
      if (f?.openLoop) f.openLoop.execPerSecPerCore *= 4;
    }
    const optimistic = join(dir, 'overstated.yaml');
    await writeFile(optimistic, stringify(models));
    const workload = join(dir, 'overload-workload.yaml');
    await writeFile(workload, `mix: general\nload: ${flags.load}\nfunctions: [${flags.functions}]\n`);
    process.stdout.write(`\noverloaded run: models overstating ${flags.overload} 4x, general mix, energy-aware\n`);
    const over = await cli(
      [
        'run',
        '--coordinator',
        address,
        '--workload',
        workload,
        '--models',
        optimistic,
        '--policy',
        'energy-aware',
        '--duration',
        flags.duration,
        '--warmup',
        flags.warmup,
        '--headroom',
        flags.headroom,
        '--ack-timeout-ms',
        flags['ack-timeout-ms'],
        '--json',
      ],
      false,
    );
    if (!over.out.trim()) throw new Error(`the overloaded run printed nothing (exit ${over.code}): ${over.err}`);
    const o = JSON.parse(over.out) as {
      id: string;
      metRates: boolean;
      functionsMissingRate: { name: string; achievedRps: number; requestedRps: number; reason?: string }[];
    };
    process.stdout.write(`  run ${o.id}: exit ${over.code}, meets its rates: ${o.metRates ? 'yes' : 'NO'}\n`);
    for (const f of o.functionsMissingRate)
      process.stdout.write(`  - ${f.name}: ${f.achievedRps.toFixed(2)} of ${f.requestedRps.toFixed(2)} req/s: ${f.reason ?? ''}\n`);
    process.stdout.write(`  names ${flags.overload}: ${o.functionsMissingRate.some((f) => f.name === flags.overload) ? 'ok' : 'NOT MET'}\n`);

    const rep = await cli(
      [
        'report',
        res.experimentId,
        o.id,
        '--coordinator',
        address,
        '--out',
        flags.report,
        '--title',
        `isawatt experiment on the emulated pair (${res.experimentId}), EMULATED energy`,
      ],
      false,
    );
    process.stdout.write(`\n${rep.out}`);
  } finally {
    await shutdown();
  }
}

await main();
