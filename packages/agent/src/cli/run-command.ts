// `isawatt-agent run FUNCTION (--rate R | --saturate) [--cores N | --cpus LIST] --duration S`:
// a one-shot local run on this host, outside any assignment: the function's workers are pinned as
// the agent would pin them (in their own cgroup subtree, isawatt-run-<pid>), load is generated for
// S seconds, then everything is stopped and removed and the figures are printed.
import { readdir } from 'node:fs/promises';
import { defaultFunctionsDir } from '../config.js';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT, ExitError, createLogger, delay, errorMessage, type Logger, jToMj, msToS, sToMs, usToS } from '@isawatt/common';
import { killPid } from '../runtime/cgroup-fs.js';
import { functionCpuTimeUs, hostCpuTimeUs } from '../runtime/cpu-time.js';
import { formatCpuList, parseCpuList } from '../hardware/cpu-list.js';
import type { Arrival, PinningMode } from '../runtime/function-runtime.js';
import type { WindowFigures } from '../runtime/invocation-stats.js';
import { LocalFunctionRuntime, type LoadSpec } from '../runtime/local-function-runtime.js';
import { detectPinning } from '../runtime/pinning.js';
import { RunEnergyTracker, type RunEnergy } from './run-energy.js';

export interface RunOptions {
  readonly function: string;
  readonly rateRps?: number;
  readonly saturate: boolean;
  readonly arrival: Arrival;
  readonly cores?: number;
  readonly cpus?: readonly number[];
  readonly durationS: number;
  readonly warmupS: number;
  /** Input seed for the generated requests (default: the function's input.seed). */
  readonly seed?: number;
  readonly functionsDir: string;
  readonly cgroupRoot: string;
  readonly sysfsRoot: string;
  readonly procRoot: string;
  readonly pinning: PinningMode | 'auto';
  readonly runAs?: string;
  readonly reservedCpus: readonly number[];
  readonly log: Logger;
  /** Aborts the run early (SIGINT/SIGTERM): figures cover the time run so far. */
  readonly signal?: AbortSignal;
}

export interface RunReport {
  readonly function: string;
  readonly runtime: string;
  readonly mode: 'rate' | 'saturate';
  readonly offeredRps: number | null;
  readonly arrival: Arrival | null;
  readonly seed: number;
  readonly cpus: readonly number[];
  readonly workerPids: readonly number[];
  readonly pinning: PinningMode;
  readonly pinningDetail: string;
  readonly durationS: number;
  readonly interrupted: boolean;
  readonly completed: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly dropped: number;
  readonly achievedRps: number;
  readonly throughputPerCoreRps: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly mean: number; readonly max: number };
  readonly handlerMeanUs: number;
  readonly workerRestarts: number;
  /** CPU time of the function's cgroup over the measured window, s (null: no accounting cgroup). */
  readonly functionCpuTimeS: number | null;
  /** Busy CPU time of the whole host over the window, s. */
  readonly hostCpuTimeS: number;
  /** Per-function energy over the window with its quality label; null when no source works. */
  readonly energy: RunEnergy | null;
  /** Why energy is null ('' otherwise). */
  readonly energyNote: string;
}

/** Removes the subtrees of earlier `run` commands that were killed (their pid is gone). */
async function cleanDeadRuns(opts: RunOptions): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(join(opts.cgroupRoot, 'cpuset'));
  } catch {
    // no v1 cpuset: nothing to scan there
  }
  for (const name of names) {
    const m = /^isawatt-run-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) continue;
    const stale = await detectPinning({ cgroupRoot: opts.cgroupRoot, subtree: name, mode: opts.pinning, procRoot: opts.procRoot, kill: killPid });
    await stale.close();
  }
}

export async function executeRun(opts: RunOptions): Promise<RunReport> {
  if (opts.saturate === (opts.rateRps !== undefined)) throw new ExitError(EXIT.BAD_INPUT, 'give exactly one of --rate R or --saturate');
  await cleanDeadRuns(opts).catch((err: unknown) => opts.log.warn({ err: errorMessage(err) }, 'could not clean subtrees of earlier runs'));
  const rt = await LocalFunctionRuntime.create({
    functionsDir: opts.functionsDir,
    log: opts.log,
    cgroupRoot: opts.cgroupRoot,
    cgroupSubtree: `isawatt-run-${process.pid}`,
    pinningMode: opts.pinning,
    sysfsRoot: opts.sysfsRoot,
    procRoot: opts.procRoot,
    reservedCpus: opts.reservedCpus,
    ...(opts.runAs !== undefined ? { runAs: opts.runAs } : {}),
  });
  try {
    const entry = rt.catalogueData.get(opts.function);
    if (entry === undefined) {
      const broken = rt.catalogueData.problems.find((p) => p.folder === opts.function);
      if (broken) throw new ExitError(EXIT.BAD_INPUT, `function ${opts.function}: broken manifest:\n${broken.issues.map((i) => `  - ${i}`).join('\n')}`);
      throw new ExitError(EXIT.NOT_FOUND, `unknown function "${opts.function}" (catalogue: ${rt.catalogueData.names().join(', ') || 'empty'})`);
    }
    if (!entry.runnable) throw new ExitError(EXIT.FAILURE, `function ${opts.function} cannot run here: ${entry.unavailableReason}`);
    let cpus: readonly number[];
    if (opts.cpus !== undefined) cpus = opts.cpus;
    else {
      const n = opts.cores ?? 1;
      const usable = rt.usableCpus();
      if (n > usable.length) throw new ExitError(EXIT.BAD_INPUT, `--cores ${n}: this host has ${usable.length} usable CPUs (${formatCpuList(usable)})`);
      cpus = usable.slice(0, n);
    }
    // Start the workers without load, then switch the load on: start-up is not part of the figures.
    const started = await rt.applyPlacement(1n, [{ function: opts.function, cpus, load: { kind: 'none' } }]);
    if (!started.ok) throw new ExitError(started.code === 'invalid' ? EXIT.BAD_INPUT : EXIT.FAILURE, started.error);
    const seed = opts.seed !== undefined ? { seed: opts.seed } : {};
    const load: LoadSpec = opts.saturate ? { kind: 'saturate', ...seed } : { kind: 'rate', rateRps: opts.rateRps ?? 0, arrival: opts.arrival, ...seed };
    const loaded = await rt.applyPlacement(2n, [{ function: opts.function, cpus, load }]);
    if (!loaded.ok) throw new ExitError(EXIT.FAILURE, loaded.error);
    if (opts.warmupS > 0) await delay(sToMs(opts.warmupS), opts.signal);
    const target = rt.activityTargets().find((t) => t.name === opts.function);
    rt.resetTotals(opts.function);
    const cpu0 = target ? await functionCpuTimeUs(target) : undefined;
    const tracker = target
      ? await RunEnergyTracker.start({ sysfsRoot: opts.sysfsRoot, procRoot: opts.procRoot, runtime: rt, function: opts.function, log: opts.log })
      : 'no accounting cgroup for the function';
    const host0 = await hostCpuTimeUs(opts.procRoot);
    const t0 = performance.now();
    await delay(sToMs(opts.durationS), opts.signal);
    const figures = rt.totals(opts.function) as WindowFigures;
    const energy = typeof tracker === 'string' ? null : await tracker.stop();
    const cpu1 = target ? await functionCpuTimeUs(target) : undefined;
    const host1 = await hostCpuTimeUs(opts.procRoot);
    const elapsedS = msToS(performance.now() - t0);
    const placement = rt.placements().find((p) => p.function === opts.function);
    const report: RunReport = {
      function: opts.function,
      runtime: entry.spec.runtime,
      mode: opts.saturate ? 'saturate' : 'rate',
      offeredRps: opts.saturate ? null : (opts.rateRps ?? null),
      arrival: opts.saturate ? null : opts.arrival,
      seed: opts.seed ?? entry.spec.input.seed,
      cpus: [...cpus],
      workerPids: placement?.workerPids ?? [],
      pinning: rt.pinning,
      pinningDetail: rt.pinningDescription,
      durationS: elapsedS,
      interrupted: opts.signal?.aborted === true,
      completed: figures.completed,
      errors: figures.errors,
      timeouts: figures.timeouts,
      dropped: figures.dropped,
      achievedRps: figures.achievedRps,
      throughputPerCoreRps: figures.achievedRps / cpus.length,
      latencyMs: { p50: figures.latencyP50Ms, p95: figures.latencyP95Ms, p99: figures.latencyP99Ms, mean: figures.latencyMeanMs, max: figures.latencyMaxMs },
      handlerMeanUs: figures.handlerMeanUs,
      workerRestarts: rt.restarts(opts.function),
      functionCpuTimeS: cpu0 !== undefined && cpu1 !== undefined ? usToS(cpu1 - cpu0) : null,
      hostCpuTimeS: usToS(host1 - host0),
      energy,
      energyNote: typeof tracker === 'string' ? tracker : '',
    };
    return report;
  } finally {
    await rt.close();
  }
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);

/** Human-readable report. */
export function formatRunReport(r: RunReport): string {
  const rows: [string, string][] = [
    ['function', `${r.function} (${r.runtime})`],
    [
      'mode',
      `${r.mode === 'rate' ? `rate ${r.offeredRps} req/s, ${r.arrival} arrivals` : 'saturate (closed loop, one request per worker)'}, input seed ${r.seed}`,
    ],
    ['cpus', `${formatCpuList(r.cpus)} (${r.cpus.length} worker${r.cpus.length === 1 ? '' : 's'}, pids ${r.workerPids.join(' ')})`],
    ['pinning', `${r.pinning}: ${r.pinningDetail}`],
    ['duration', `${fmt(r.durationS)} s${r.interrupted ? ' (interrupted)' : ''}`],
    ['completed', String(r.completed)],
    ['errors', String(r.errors)],
    ['timeouts', String(r.timeouts)],
    ['dropped', String(r.dropped)],
    ['achieved rate', `${fmt(r.achievedRps)} req/s (${fmt(r.throughputPerCoreRps)} per core)`],
    [
      'latency p50/p95/p99',
      `${fmt(r.latencyMs.p50, 3)} / ${fmt(r.latencyMs.p95, 3)} / ${fmt(r.latencyMs.p99, 3)} ms (mean ${fmt(r.latencyMs.mean, 3)}, max ${fmt(r.latencyMs.max, 3)})`,
    ],
    ['time in handler', `${fmt(r.handlerMeanUs, 1)} µs mean`],
    ['worker restarts', String(r.workerRestarts)],
    ['function CPU time', r.functionCpuTimeS === null ? 'n/a (no accounting cgroup)' : `${fmt(r.functionCpuTimeS, 3)} s`],
    ['host CPU time', `${fmt(r.hostCpuTimeS, 3)} s (all processes)`],
    [
      'energy',
      r.energy === null
        ? `n/a (${r.energyNote})`
        : `${fmt(r.energy.functionTotalEnergyJ, 3)} J for the function (${fmt(r.energy.functionDynamicEnergyJ, 3)} J dynamic` +
          `${r.completed > 0 ? `, ${fmt(jToMj(r.energy.functionTotalEnergyJ) / r.completed, 3)} mJ per invocation` : ''}), host ${fmt(r.energy.hostEnergyJ, 2)} J — ${r.energy.quality.toUpperCase()} (${r.energy.source}, ${r.energy.method})`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

function positiveNumber(what: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number, got "${v}"`);
    return n;
  };
}

function cpuListArg(v: string): number[] {
  try {
    const cpus = parseCpuList(v);
    if (cpus.length === 0) throw new RangeError('empty CPU list');
    return cpus;
  } catch (err) {
    throw new InvalidArgumentError(`${errorMessage(err)}`);
  }
}

interface RunFlags {
  rate?: number;
  saturate?: boolean;
  arrival: Arrival;
  cores?: number;
  cpus?: number[];
  duration: number;
  warmup: number;
  seed?: number;
  json?: boolean;
  functionsDir: string;
  cgroupRoot: string;
  sysfsRoot: string;
  procRoot: string;
  pinning: PinningMode | 'auto';
  runAs?: string;
  reservedCpus: number[];
  logLevel: string;
}

/** Registers `run` on the agent CLI (a CommandRegistrar for cli/index.ts SUBCOMMANDS). */
export function registerRun(program: Command): void {
  // Inherit exitOverride and output settings, so errors reach the CLI's one catch.
  program.addCommand(runCommand().copyInheritedSettings(program));
}

/** The `run` subcommand. */
export function runCommand(): Command {
  return new Command('run')
    .description('run one catalogue function on this host for a while and print its figures')
    .argument('<function>', 'catalogue function name')
    .addOption(new Option('--rate <rps>', 'open loop at this many requests/s').argParser(positiveNumber('--rate')).conflicts('saturate'))
    .addOption(new Option('--saturate', 'closed loop: one request outstanding per worker (throughput per core)'))
    .addOption(new Option('--arrival <kind>', 'arrivals for --rate').choices(['constant', 'poisson']).default('constant'))
    .addOption(
      new Option('--cores <n>', 'number of CPUs (one worker each)')
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--cores must be a whole number >= 1, got "${v}"`);
          return n;
        })
        .conflicts('cpus'),
    )
    .addOption(new Option('--cpus <list>', 'exact CPUs, e.g. "0-1,4"').argParser(cpuListArg))
    .requiredOption('--duration <s>', 'seconds of measured load', positiveNumber('--duration'))
    .addOption(
      new Option('--warmup <s>', 'seconds of load before measuring')
        .argParser((v) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--warmup must be >= 0, got "${v}"`);
          return n;
        })
        .default(0),
    )
    .option('--seed <n>', "input seed of the generated requests (default: the function's input.seed)", (v) => {
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`--seed must be a whole number >= 0, got "${v}"`);
      return Number(v);
    })
    .option('--json', 'print the report as JSON')
    .option('--functions-dir <dir>', 'function catalogue', defaultFunctionsDir())
    .option('--cgroup-root <dir>', 'cgroup filesystem root', '/sys/fs/cgroup')
    .option('--sysfs-root <dir>', 'sysfs root (CPU topology)', '/sys')
    .option('--proc-root <dir>', 'procfs root', '/proc')
    .addOption(new Option('--pinning <mode>', 'pinning mechanism').choices(['auto', 'cgroup-v2-cpuset', 'cgroup-v1-cpuset', 'sched-affinity']).default('auto'))
    .option('--run-as <user>', 'workers run as this user (name, uid[:gid] or "self"; default nobody when root)')
    .option('--reserved-cpus <list>', 'CPUs never used for functions', (v) => parseCpuList(v), [])
    .addOption(new Option('--log-level <level>', 'log level (stderr)').choices(['silent', 'error', 'warn', 'info', 'debug']).default('warn'))
    .action(async (fn: string, flags: RunFlags) => {
      const log = createLogger({ name: 'isawatt-agent', level: flags.logLevel as 'warn', destination: process.stderr });
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await executeRun({
          function: fn,
          ...(flags.rate !== undefined ? { rateRps: flags.rate } : {}),
          saturate: flags.saturate === true,
          arrival: flags.arrival,
          ...(flags.cores !== undefined ? { cores: flags.cores } : {}),
          ...(flags.cpus !== undefined ? { cpus: flags.cpus } : {}),
          durationS: flags.duration,
          warmupS: flags.warmup,
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          functionsDir: flags.functionsDir,
          cgroupRoot: flags.cgroupRoot,
          sysfsRoot: flags.sysfsRoot,
          procRoot: flags.procRoot,
          pinning: flags.pinning,
          ...(flags.runAs !== undefined ? { runAs: flags.runAs } : {}),
          reservedCpus: flags.reservedCpus,
          log,
          signal: abort.signal,
        });
        process.stdout.write((flags.json === true ? JSON.stringify(report, null, 2) : formatRunReport(report)) + '\n');
        if (report.interrupted) throw new ExitError(EXIT.INTERRUPTED, 'interrupted');
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
