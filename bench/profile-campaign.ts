// Profiling campaign on the emulated x86 + ARM pair, checked against the emulation's ground truth.
// Starts a real coordinator and two real emulated agents, runs `isawatt profile` (the real CLI),
// writes the ground truth with `isawatt-agent emulation models`, and prints:
//   - the campaign's wall time and the profiled table (`isawatt models show`);
//   - per bag: each type's executions/s per core, busy share and the bag's own x86/ARM ratio, and
//     this machine's real CPUs busy during its saturated phase (lib/campaign-bag-table.ts);
//   - per function, the x86/ARM performance ratio and energy-per-execution ratio recovered vs the
//     ground truth's, and their relative errors (target: within 10 %);
//   - energy-aware plans on the profiled and on the ground-truth models for the same workload
//     (rates of the general mix derived once from the ground truth): each objective under its own
//     models, and the profiled plan's power evaluated on the ground truth vs the truth's optimum
//     (target: within 3 %).
// Figures are EMULATED (the hosts are); the ground truth is ILLUSTRATIVE. Asserts nothing.
//   node --conditions=source --import tsx bench/profile-campaign.ts [--bags 20] [--bag-size 8] [--min-bags 2]
//     [--duration 10] [--warmup 3] [--idle 10] [--cores-per-function K] [--functions a,b] [--seed 1]
//     [--profiles xeon-gold-5318y-2s,altra-max-m128] [--load 0.5] [--cost FILE] [--keep DIR] [--proc-root /proc]
//   ... bench/profile-campaign.ts --models FILE [--cost FILE] [--profiles ...] [--load 0.5]
//     compares a models file an earlier campaign wrote (no campaign; hosts from the profiles).
// --cost FILE: the CPU cost per invocation the ground truth prices executions at (default: the
// shipped table). Measure it at an emulated worker's slice, on this machine, now:
//   node --conditions=source --import tsx bench/functions.ts --share 0.05 --json FILE
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../packages/coordinator/src/cli/control-client.js';
import { shutdownMiniZinc } from '../packages/coordinator/src/placement/minizinc-solver.js';
import { plan } from '../packages/coordinator/src/placement/planner.js';
import { buildProblem } from '../packages/coordinator/src/placement/problem.js';
import { deriveMixRates } from '../packages/coordinator/src/workload/mixes.js';
import { loadModelsFile } from '../packages/coordinator/src/workload/parse.js';
import type { Arch, HostSpec, Models } from '../packages/coordinator/src/workload/types.js';
import { slowdown } from '../packages/agent/src/emulation/ground-truth.js';
import { emulatedHostFacts, getProfile } from '../packages/agent/src/emulation/profiles.js';
import { freePort } from '../test/helpers/free-port.js';
import { bagTable, startStatSampler } from './lib/campaign-bag-table.js';
import { badInput, listOption, numberOption, parseBenchArgs } from './lib/options.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const url = import.meta.url;
const v = parseBenchArgs(url, {
  bags: { type: 'string', default: '20', description: 'bags (G)' },
  'bag-size': { type: 'string', default: '8', description: 'functions per bag (N)' },
  'min-bags': { type: 'string', default: '2', description: 'bags each function is in, at least' },
  duration: { type: 'string', default: '10', description: 'measured seconds per bag' },
  warmup: { type: 'string', default: '3', description: 'warm-up seconds per bag' },
  idle: { type: 'string', default: '10', description: 'seconds of idle measurement per host' },
  'cores-per-function': { type: 'string', description: "emulated CPUs per function in a bag (default: the CLI's)" },
  functions: { type: 'string', description: 'functions to profile, comma-separated (default: every catalogue function)' },
  seed: { type: 'string', default: '1', description: 'seed of the bag draw' },
  profiles: { type: 'string', default: 'xeon-gold-5318y-2s,altra-max-m128', description: 'the emulated pair: x86 profile, ARM profile' },
  load: { type: 'string', default: '0.5', description: 'load of the energy-aware plans compared at the end, (0, 1]' },
  'tick-interval-ms': { type: 'string', default: '500', description: "the agents' tick, ms" },
  keep: { type: 'string', description: 'keep the campaign directory (models, agent logs) here' },
  cost: { type: 'string', description: 'a CPU cost per invocation file instead of the shipped table' },
  models: { type: 'string', description: 'only compare this models file with the ground truth (no campaign)' },
  // The agents' --emulate-carrier-cpus: most emulated CPUs per carrier worker. This bench checks
  // ratios against the ground truth and runs nothing on the figures, so one carrier per function
  // (128 >= any bag's CPUs per function): carriers of 8 leave the slowest function (video-gif-node,
  // ~25 s per execution on 8 Altra CPUs) with no completion in a 20 s window (docs/agent.md).
  'carrier-cpus': { type: 'string', default: '128', description: 'most emulated CPUs per carrier worker' },
  // Where the per-bag table reads this machine's real CPU use (/proc/stat).
  'proc-root': { type: 'string', default: '/proc', description: 'procfs root for the per-bag CPU table' },
});
for (const name of ['bags', 'bag-size', 'min-bags', 'seed', 'carrier-cpus'] as const)
  numberOption(url, name, v[name], { integer: true, min: name === 'seed' ? 0 : 1 });
for (const name of ['duration', 'warmup', 'idle', 'tick-interval-ms'] as const) numberOption(url, name, v[name], { above: 0 });
numberOption(url, 'load', v.load, { above: 0, max: 1 });
if (v['cores-per-function'] !== undefined) numberOption(url, 'cores-per-function', v['cores-per-function'], { integer: true, min: 1 });
if (listOption(url, 'profiles', v.profiles).length !== 2) badInput(url, `--profiles: expected two profiles (x86,ARM), got ${JSON.stringify(v.profiles)}`);
if (v.functions !== undefined) listOption(url, 'functions', v.functions);

/**
 * Per bag and host, where the wall time went, from the agents' logs (pino JSON lines): start-up
 * (workers spawned and warmed; after the idle interval on a host's first bag), saturated warm-up +
 * window, the switch to open loop (the saturated driver stopping), open-loop warm-ups + windows
 * (every utilisation of --open-loop: from the first phase's start to the last one's window), and
 * stopping the bag (workers and cgroups gone).
 */
const PHASES: readonly string[] = [
  'profile job received',
  'profile job: bag started',
  'profile job: saturated window measured',
  'profile job: open-loop phase',
  'profile job: open-loop window measured',
  'profile job: bag stopped, cgroups removed',
];
const PHASE_NAMES = ['start-up', 'saturated', 'switch', 'open-loop', 'stop'];

function phaseTable(logs: ReadonlyMap<string, string>): string {
  const rows: string[] = [`${'host'.padEnd(22)} ${'job'.padEnd(8)} ${PHASE_NAMES.map((p) => p.padStart(10)).join('')} ${'total'.padStart(8)}  (s)`];
  const sums = PHASE_NAMES.map(() => 0);
  let n = 0;
  for (const [host, text] of logs) {
    const jobs = new Map<string, Map<number, number>>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      let rec: { msg?: string; jobId?: string; time?: number | string };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      const phase = PHASES.indexOf(rec.msg ?? '');
      // pino's isoTime (the agents' logger) or epoch ms.
      const timeMs = typeof rec.time === 'string' ? Date.parse(rec.time) : rec.time;
      if (phase < 0 || rec.jobId === undefined || timeMs === undefined || !Number.isFinite(timeMs)) continue;
      const m = jobs.get(rec.jobId) ?? new Map<number, number>();
      // Several open-loop phases: the open-loop span starts at the first one.
      if (!(phase === PHASES.indexOf('profile job: open-loop phase') && m.has(phase))) m.set(phase, timeMs);
      jobs.set(rec.jobId, m);
    }
    for (const [job, m] of jobs) {
      const t = PHASES.map((_, i) => m.get(i));
      if (t.some((x) => x === undefined)) continue;
      const ts = t as number[];
      const parts = PHASE_NAMES.map((_, i) => ((ts[i + 1] ?? 0) - (ts[i] ?? 0)) / 1000);
      parts.forEach((x, i) => (sums[i] = (sums[i] ?? 0) + x));
      n++;
      const total = ((ts[PHASES.length - 1] ?? 0) - (ts[0] ?? 0)) / 1000;
      rows.push(`${host.padEnd(22)} ${job.slice(-8).padEnd(8)} ${parts.map((x) => x.toFixed(1).padStart(10)).join('')} ${total.toFixed(1).padStart(8)}`);
    }
  }
  if (n > 0) rows.push(`mean over ${n} bag runs: ${PHASE_NAMES.map((p, i) => `${p} ${((sums[i] ?? 0) / n).toFixed(1)}`).join(', ')} s`);
  return rows.join('\n');
}

function start(script: string, args: string[], log: (l: string) => void = () => undefined): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => log(c.toString()));
  child.stderr?.on('data', (c: Buffer) => log(c.toString()));
  return child;
}

async function run(script: string, args: string[], echo = false): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    if (echo) process.stderr.write(c);
  });
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  return { code, out, err };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
}

const typeOf = (m: Models, arch: Arch): string =>
  Object.entries(m.hostTypes)
    .filter(([, t]) => t.arch === arch)
    .map(([n]) => n)
    .sort()[0] ?? '';
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

async function compareOnly(modelsFile: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'isawatt-bench-profile-'));
  try {
    const profiles = (v.profiles ?? '').split(',');
    const truthFile = join(dir, 'ground-truth.yaml');
    const truthRun = await run('packages/agent/src/main.ts', [
      'emulation',
      'models',
      '--profiles',
      profiles.join(','),
      '--out',
      truthFile,
      ...(v.cost !== undefined ? ['--cost', v.cost] : []),
    ]);
    if (truthRun.code !== 0) throw new Error(`isawatt-agent emulation models exited ${truthRun.code}: ${truthRun.err.slice(-500)}`);
    const profiled = loadModelsFile(modelsFile);
    const hosts: HostSpec[] = profiles.map((name, i) => {
      const f = emulatedHostFacts(name);
      const arch: Arch = f.arch === 'aarch64' ? 'aarch64' : 'x86_64';
      return { id: `${i === 0 ? 'x' : 'a'}-${name}`, type: typeOf(profiled, arch), arch, cores: f.logicalCpus };
    });
    process.stdout.write(`models ${modelsFile} vs the ground truth (cost per invocation: ${v.cost ?? 'the shipped table'})\n`);
    await compare(modelsFile, truthFile, hosts);
  } finally {
    shutdownMiniZinc();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (v.models !== undefined) return compareOnly(v.models);
  const dir = v.keep ?? (await mkdtemp(join(tmpdir(), 'isawatt-bench-profile-')));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const profiles = (v.profiles ?? '').split(',');
  const children: ChildProcess[] = [];
  /** Each agent's output (pino JSON lines), for the per-bag phase table. */
  const agentLogs = new Map<string, string>();
  const client = new ControlClient({ address, tls: {}, insecure: false, deadlineMs: 5000 });
  try {
    children.push(start('packages/coordinator/src/cli/entry.ts', ['coordinator', '--listen', address, '--insecure', '--state-dir', join(dir, 'state')]));
    profiles.forEach((p, i) => {
      const host = `bench-${i === 0 ? 'x' : 'a'}-${port}`;
      agentLogs.set(host, '');
      children.push(
        start(
          'packages/agent/src/main.ts',
          [
            '--coordinator',
            address,
            '--host-id',
            `bench-${i === 0 ? 'x' : 'a'}-${port}`,
            '--emulate',
            p,
            '--emulate-carrier-cpus',
            v['carrier-cpus'] ?? '128',
            '--tick-interval-ms',
            v['tick-interval-ms'] ?? '500',
            '--http-listen',
            'off',
          ],
          (l) => agentLogs.set(host, (agentLogs.get(host) ?? '') + l),
        ),
      );
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const up = await client
        .listHosts()
        .then((r) => r.hosts.filter((h) => h.state === 'HOST_STATE_UP').length)
        .catch(() => 0);
      if (up === profiles.length) break;
      if (Date.now() > deadline) throw new Error('agents did not come up within 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const hostsWire = (await client.listHosts()).hosts;

    const truthFile = join(dir, 'ground-truth.yaml');
    const truthRun = await run('packages/agent/src/main.ts', [
      'emulation',
      'models',
      '--profiles',
      profiles.join(','),
      '--out',
      truthFile,
      ...(v.cost !== undefined ? ['--cost', v.cost] : []),
    ]);
    const modelsFile = join(dir, 'models.yaml');
    const args = [
      'profile',
      '--coordinator',
      address,
      '--bags',
      v.bags ?? '20',
      '--bag-size',
      v['bag-size'] ?? '8',
      '--min-bags',
      v['min-bags'] ?? '2',
      '--duration',
      v.duration ?? '10',
      '--warmup',
      v.warmup ?? '3',
      '--idle',
      v.idle ?? '10',
      '--seed',
      v.seed ?? '1',
      '--out',
      modelsFile,
    ];
    if (v['cores-per-function']) args.push('--cores-per-function', v['cores-per-function']);
    if (v.functions) args.push('--functions', v.functions);
    const dry = await run('packages/coordinator/src/cli/entry.ts', [...args, '--dry-run']);
    const dryJson = await run('packages/coordinator/src/cli/entry.ts', [...args, '--dry-run', '--json']);
    const design = bagDesign(dryJson.out);
    process.stdout.write(`$ isawatt ${args.join(' ').replace(address, 'HOST:PORT').replace(modelsFile, 'models.yaml')}\n`);
    process.stdout.write(
      dry.out
        .split('\n')
        .filter((l) => /^campaign|^  \S+ \(|^estimated/.test(l))
        .join('\n') + '\n',
    );
    const started = Date.now();
    const sampler = startStatSampler(v['proc-root'] ?? '/proc');
    const prof = await run('packages/coordinator/src/cli/entry.ts', args, true);
    const stat = sampler.stop();
    const wallS = (Date.now() - started) / 1000;
    process.stdout.write(prof.out);
    process.stdout.write(`campaign wall time: ${wallS.toFixed(0)} s (exit ${prof.code})\n`);
    process.stdout.write(`where the time went, per bag run (agents' logs):\n${phaseTable(agentLogs)}\n\n`);
    const typeOfArch = (arch: string): string => hostsWire.find((h) => h.hello?.arch === arch)?.hello?.host_type ?? '';
    process.stdout.write(`${await bagTable(join(dir, 'state'), agentLogs, stat, typeOfArch('ARCH_X86_64'), typeOfArch('ARCH_AARCH64'))}\n\n`);
    if (v.keep !== undefined) for (const [host, text] of agentLogs) await writeFile(join(dir, `agent-${host}.log`), text);
    if (prof.code !== 0) throw new Error(`profile failed (exit ${prof.code}): ${prof.err.slice(-2000)}`);
    if (v.keep === undefined) await copyFile(modelsFile, join(root, 'bench/results/profile-campaign-models.yaml')).catch(() => undefined);
    const show = await run('packages/coordinator/src/cli/entry.ts', ['models', 'show', modelsFile]);
    process.stdout.write(`$ isawatt models show models.yaml\n${show.out}\n`);
    if (truthRun.code !== 0) {
      process.stdout.write(
        `no ground truth (isawatt-agent emulation models exited ${truthRun.code}: ${truthRun.err.trim().split('\n').slice(-1)[0] ?? ''}); comparison skipped\n`,
      );
      return;
    }

    const hosts: HostSpec[] = hostsWire.map((h) => ({
      id: h.host_id,
      type: h.hello?.host_type ?? '',
      arch: h.hello?.arch === 'ARCH_AARCH64' ? 'aarch64' : 'x86_64',
      cores: h.hello?.function_cpus.length ?? 0,
    }));
    await compare(modelsFile, truthFile, hosts, design);
  } finally {
    shutdownMiniZinc();
    client.close();
    for (const c of children.reverse()) await stop(c);
    if (v.keep === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** The campaign's bags and CPUs per function by arch, from `isawatt profile --dry-run --json`. */
interface BagDesign {
  readonly bags: readonly (readonly string[])[];
  readonly coresPerFunction: Readonly<Partial<Record<Arch, number>>>;
}

function bagDesign(json: string): BagDesign | undefined {
  try {
    const d = JSON.parse(json) as { bags: string[][]; hostTypes: { arch: Arch; coresPerFunction: number }[] };
    return { bags: d.bags, coresPerFunction: Object.fromEntries(d.hostTypes.map((t) => [t.arch, t.coresPerFunction])) };
  } catch {
    return undefined;
  }
}

/**
 * The factor by which co-location changes a function's figures on a host type, as the profile
 * configures it: in each bag its emulated speed is divided by slowdown (ground-truth.ts), so
 * executions/s per core fall by it and energy per execution rises by it; the campaign keeps the
 * median over the bags. Returned: median over the function's bags of 1 / slowdown (perf) and of
 * slowdown (energy); 1 without a bag design (isolation).
 */
function interference(design: BagDesign | undefined, profile: string, arch: Arch, fn: string): { perf: number; energy: number } {
  const cores = design?.coresPerFunction[arch];
  if (design === undefined || cores === undefined) return { perf: 1, energy: 1 };
  const p = getProfile(profile);
  const factors = design.bags.filter((b) => b.includes(fn)).map((b) => slowdown(p, fn, new Map(b.map((g) => [g, cores]))));
  if (factors.length === 0) return { perf: 1, energy: 1 };
  const med = (xs: number[]): number => {
    const ys = [...xs].sort((a, b) => a - b);
    const m = ys.length >> 1;
    return ys.length % 2 ? (ys[m] ?? 1) : ((ys[m - 1] ?? 1) + (ys[m] ?? 1)) / 2;
  };
  return { perf: med(factors.map((f) => 1 / f)), energy: med(factors) };
}

/** Per-function ratio errors, absolute figures and energy-aware plans: profiled vs ground truth. */
async function compare(modelsFile: string, truthFile: string, hosts: HostSpec[], design?: BagDesign): Promise<void> {
  {
    const profiled = loadModelsFile(modelsFile);
    const truth = loadModelsFile(truthFile);
    const [px, pa, tx, ta] = [typeOf(profiled, 'x86_64'), typeOf(profiled, 'aarch64'), typeOf(truth, 'x86_64'), typeOf(truth, 'aarch64')];
    const profiles = (v.profiles ?? '').split(',');
    const profileOf = (arch: Arch): string => profiles.find((n) => (emulatedHostFacts(n).arch === 'aarch64') === (arch === 'aarch64')) ?? '';
    process.stdout.write(`recovered vs ground truth: x86 ${px} (truth ${tx}) / ARM ${pa} (truth ${ta}); ratio = x86 / ARM\n`);
    process.stdout.write(
      design === undefined
        ? 'truth: the isolation figures (no bag design known)\n'
        : `truth: isolation figures x the co-location interference each profile configures, median over the function's ${design.bags.length === 1 ? 'bag' : 'bags'} (column "in bags"; the error is against it)\n`,
    );
    process.stdout.write('function              |   perf x86/ARM: measured   truth in bags   error |  energy x86/ARM: measured   truth in bags   error\n');
    let worstPerf = 0;
    let worstEnergy = 0;
    let okPerf = 0;
    let okEnergy = 0;
    const plain: string[] = [];
    let plainOkPerf = 0;
    let plainOkEnergy = 0;
    const all = [...new Set([...Object.keys(truth.hostTypes[tx]?.functions ?? {})])]
      .filter((f) => profiled.hostTypes[px]?.functions[f] || profiled.hostTypes[pa]?.functions[f])
      .sort();
    const fns = all.filter((f) => profiled.hostTypes[px]?.functions[f] && profiled.hostTypes[pa]?.functions[f] && truth.hostTypes[ta]?.functions[f]);
    for (const f of fns) {
      const P = (m: Models, t: string): { e: number; w: number } => ({
        e: m.hostTypes[t]?.functions[f]?.execPerSecPerCore ?? NaN,
        w: m.hostTypes[t]?.functions[f]?.energyPerExecJ ?? NaN,
      });
      const ix = interference(design, profileOf('x86_64'), 'x86_64', f);
      const ia = interference(design, profileOf('aarch64'), 'aarch64', f);
      const perf = P(profiled, px).e / P(profiled, pa).e;
      const perfIso = P(truth, tx).e / P(truth, ta).e;
      const perfT = perfIso * (ix.perf / ia.perf);
      const en = P(profiled, px).w / P(profiled, pa).w;
      const enIso = P(truth, tx).w / P(truth, ta).w;
      const enT = enIso * (ix.energy / ia.energy);
      const ep = perf / perfT - 1;
      const ee = en / enT - 1;
      worstPerf = Math.max(worstPerf, Math.abs(ep));
      worstEnergy = Math.max(worstEnergy, Math.abs(ee));
      if (Math.abs(ep) <= 0.1) okPerf++;
      if (Math.abs(ee) <= 0.1) okEnergy++;
      // The same from each type's plain median over its own bags (spread.*.median), as the
      // aggregation did before its figures were bag-paired (docs/profiling.md).
      const sp = (t: string) => profiled.hostTypes[t]?.functions[f]?.spread;
      const plainPerf = (sp(px)?.execPerSecPerCore.median ?? NaN) / (sp(pa)?.execPerSecPerCore.median ?? NaN) / perfT - 1;
      const plainEn = (sp(px)?.energyPerExecJ.median ?? NaN) / (sp(pa)?.energyPerExecJ.median ?? NaN) / enT - 1;
      plain.push(`${f} ${pct(plainPerf)} / ${pct(plainEn)}`);
      if (Math.abs(plainPerf) <= 0.1) plainOkPerf++;
      if (Math.abs(plainEn) <= 0.1) plainOkEnergy++;
      process.stdout.write(
        `${f.padEnd(21)} | ${perf.toFixed(3).padStart(23)} ${perfT.toFixed(3).padStart(8)} (iso ${perfIso.toFixed(3)}) ${pct(ep).padStart(8)} | ${en.toFixed(3).padStart(24)} ${enT.toFixed(3).padStart(8)} (iso ${enIso.toFixed(3)}) ${pct(ee).padStart(8)}\n`,
      );
    }
    const missing = all.filter((f) => !fns.includes(f));
    for (const f of missing) {
      const on = [px, pa].filter((t) => profiled.hostTypes[t]?.functions[f] === undefined);
      process.stdout.write(`${f.padEnd(21)} | NO FIGURE on ${on.join(', ')} (no bag gave it a usable sample: see the profile's warnings above)\n`);
    }
    process.stdout.write(`largest error: performance ratio ${pct(worstPerf)}, energy ratio ${pct(worstEnergy)} over ${fns.length} functions (target 10 %)\n`);
    process.stdout.write(`${okPerf} of ${all.length} functions within 10 % (perf), ${okEnergy} of ${all.length} (energy)\n`);
    process.stdout.write(
      `for comparison, each type's plain median over its own bags (not bag-paired): ${plainOkPerf} of ${all.length} within 10 % (perf), ${plainOkEnergy} of ${all.length} (energy); errors perf / energy: ${plain.join(', ')}\n\n`,
    );
    // The absolute figures against the truth: the ratios can only be right if the emulation enforces
    // the truth's speed (the truth prices each invocation at the shipped CPU cost per invocation).
    process.stdout.write('absolute figures, profiled / ground truth (exec/s per core, J per execution)\n');
    for (const [p, t] of [
      [px, tx],
      [pa, ta],
    ] as const) {
      for (const f of fns) {
        const a = profiled.hostTypes[p]?.functions[f];
        const b = truth.hostTypes[t]?.functions[f];
        if (a && b)
          process.stdout.write(
            `  ${p.padEnd(20)} ${f.padEnd(20)} E ${a.execPerSecPerCore.toPrecision(4).padStart(8)} / ${b.execPerSecPerCore.toPrecision(4).padStart(8)} = ${(a.execPerSecPerCore / b.execPerSecPerCore).toFixed(2)}   W ${a.energyPerExecJ.toPrecision(4).padStart(8)} / ${b.energyPerExecJ.toPrecision(4).padStart(8)} = ${(a.energyPerExecJ / b.energyPerExecJ).toFixed(2)}\n`,
          );
      }
    }
    process.stdout.write('\n');

    // Plans: the hosts (types as profiled), the same explicit rates for both model sets.
    const rename: Record<string, string> = { [tx]: px, [ta]: pa };
    const truthAsProfiled: Models = { ...truth, hostTypes: Object.fromEntries(Object.entries(truth.hostTypes).map(([k, t]) => [rename[k] ?? k, t])) };
    const rates = deriveMixRates('general', Number(v.load), fns, hosts, truthAsProfiled);
    const onTruth = await plan(buildProblem(hosts, truthAsProfiled, rates), 'energy-aware');
    const onProfiled = await plan(buildProblem(hosts, profiled, rates), 'energy-aware');
    const typeOfHost = new Map(hosts.map((h) => [h.id, h.type]));
    const underTruth = onProfiled.assignments.reduce(
      (s, a) => s + (truthAsProfiled.hostTypes[typeOfHost.get(a.host) ?? '']?.functions[a.function]?.energyPerExecJ ?? NaN) * a.rateRps,
      0,
    );
    const same = onProfiled.assignments.filter((a) => onTruth.assignments.find((b) => b.function === a.function)?.host === a.host).length;
    process.stdout.write(
      `energy-aware plans, general mix at load ${v.load} (rates from the ground truth), ${rates.length} functions on ${hosts.map((h) => `${h.id} (${h.cores} CPUs)`).join(', ')}\n`,
    );
    process.stdout.write(`  on the ground-truth models: ${onTruth.status}, objective ${onTruth.objective?.toFixed(2)} W\n`);
    process.stdout.write(
      `  on the profiled models:     ${onProfiled.status}, objective ${onProfiled.objective?.toFixed(2)} W (${pct((onProfiled.objective ?? NaN) / (onTruth.objective ?? NaN) - 1)} vs the truth's)\n`,
    );
    process.stdout.write(
      `  the profiled plan evaluated on the ground truth: ${underTruth.toFixed(2)} W, ${pct(underTruth / (onTruth.objective ?? NaN) - 1)} above the truth's optimum (target 3 %); ${same} of ${rates.length} functions on the same host\n`,
    );
  }
}

await main();
