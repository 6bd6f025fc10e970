// `isawatt-agent probe [--sysfs-root DIR] [--procfs-root DIR] [--json] [--interval-ms N]`: which
// energy sources and frequency readers this host has, why the others were skipped, and one reading
// of each (two samples N ms apart). Runs against any tree, so it also checks fixtures and emulated
// hosts; an emulated tree is announced on the first line and every figure is labelled.
import { createLogger, errorMessage, silentLogger, type Logger } from '@isawatt/common';
import { Command, InvalidArgumentError, Option } from 'commander';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Emulator } from '../emulation/emulator.js';
import { getProfile, PROFILE_NAMES } from '../emulation/profiles.js';
import { detectHardware, type HostHardware } from '../hardware/detect.js';
import { SystemInformationProbe } from '../hardware/live-probe.js';
import { CgroupCpuTimeSource } from '../counters/cgroup-cputime.js';
import { HwpcReportSource } from '../counters/hwpc-report-source.js';
import { PerfStatSource } from '../counters/perf-stat.js';
import { isMeterKind, METER_KINDS, type MeterKind } from '../sensors/create-meter.js';
import { runProbe, type ProbeEnergySource, type ProbeFrequency, type ProbeReport } from '../sensors/probe.js';

interface ProbeFlags {
  sysfsRoot: string;
  procfsRoot: string;
  cgroupfsRoot: string;
  counters: boolean;
  json?: boolean;
  intervalMs: number;
  meters?: MeterKind[];
  cpuModel?: string;
  cppcCpusPerSocket: number;
  emulate?: string;
  emulateCgroup: string;
  verbose?: boolean;
  hwpcListen?: string;
  hwpcCsvDir?: string;
  hwpcCgroupBase?: string;
}

/** What an hwpc-sensor sent while the probe listened. */
export interface ProbeHwpc {
  readonly listening: string | null;
  readonly csvDir: string | null;
  readonly cgroupBase: string;
  readonly listenedMs: number;
  readonly reports: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly sensors: readonly string[];
  /** Target -> function it maps to (its first path component below the base), or null. */
  readonly targets: Readonly<Record<string, string | null>>;
  readonly error?: string;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

/**
 * Listens like the daemon would (socket output and/or CSV directory) for `ms`, then reports what
 * arrived. A target maps to a function when it is a direct child of the cgroup base (`/<fn>`), as
 * the agent's own function cgroups are.
 */
export async function probeHwpc(opts: { listen?: string; csvDir?: string; cgroupBase: string; ms: number; log: Logger }): Promise<ProbeHwpc> {
  const m = opts.listen === undefined ? null : HOST_PORT.exec(opts.listen);
  if (opts.listen !== undefined && (m === null || Number(m[2]) > 65535)) {
    throw new InvalidArgumentError(`--hwpc-listen: expected HOST:PORT, got "${opts.listen}"`);
  }
  const src = new HwpcReportSource({
    ...(m ? { listen: { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) } } : {}),
    ...(opts.csvDir !== undefined ? { csvDirectory: resolve(opts.csvDir) } : {}),
    cgroupBasePath: opts.cgroupBase,
    log: opts.log,
  });
  const base = {
    listening: opts.listen ?? null,
    csvDir: opts.csvDir ?? null,
    cgroupBase: opts.cgroupBase,
    listenedMs: 0,
    reports: 0,
    rejected: {},
    sensors: [],
    targets: {},
  };
  try {
    await src.init();
  } catch (err) {
    return {
      ...base,
      error: `${errorMessage(err)}${/EADDRINUSE|in use/i.test(errorMessage(err)) ? ' (is the agent already listening there? its /healthz has an hwpc section)' : ''}`,
    };
  }
  try {
    const started = performance.now();
    await sleep(opts.ms);
    // One sample releases every complete tick; a forced final look maps what is still pending too.
    await src.sample([], Date.now());
    const s = src.stats();
    const targets: Record<string, string | null> = {};
    for (const t of s.targets.keys()) targets[t] = /^\/[^/]+$/.test(t) ? t.slice(1) : null;
    return {
      ...base,
      listening: s.listening ?? null,
      listenedMs: Math.round(performance.now() - started),
      reports: s.reports,
      rejected: Object.fromEntries(s.rejected),
      sensors: s.sensors,
      targets,
    };
  } finally {
    await src.close();
  }
}

function hwpcLines(h: ProbeHwpc): string[] {
  const where = [h.listening ? `listening on ${h.listening}` : '', h.csvDir ? `reading CSV from ${h.csvDir}` : ''].filter(Boolean).join(', ');
  if (h.error !== undefined) return [`  hwpc-sensor  skipped: ${h.error}`];
  const out = [
    `  hwpc-sensor  ${where} for ${h.listenedMs} ms, cgroup base ${h.cgroupBase}: ${h.reports} report(s)${h.sensors.length ? ` from ${h.sensors.join(', ')}` : ''}`,
  ];
  const rejected = Object.entries(h.rejected).filter(([, n]) => n > 0);
  if (rejected.length > 0) out.push(`      rejected: ${rejected.map(([r, n]) => `${n} ${r}`).join(', ')}`);
  const targets = Object.entries(h.targets);
  if (targets.length === 0 && h.reports > 0) out.push('      no complete cgroup tick yet (a tick is used once a later one arrives)');
  for (const [t, fn] of targets.slice(0, 20)) out.push(`      target ${t} -> ${fn === null ? 'not a function cgroup (counted as other)' : `function ${fn}`}`);
  if (targets.length > 20) out.push(`      … ${targets.length - 20} more targets (use --json)`);
  return out;
}

function intArg(min: number, max: number, what: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`expected ${what} between ${min} and ${max}, got "${v}"`);
    return Number(v);
  };
}

function meterList(v: string): MeterKind[] {
  const kinds = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = kinds.filter((k) => !isMeterKind(k));
  if (bad.length > 0 || kinds.length === 0)
    throw new InvalidArgumentError(`unknown meter kind(s) ${bad.join(', ') || '(none)'}; expected a comma list of ${METER_KINDS.join(', ')}`);
  return kinds as MeterKind[];
}

const fmtW = (w: number): string => `${w.toFixed(2)} W`;

/** One per-function activity source (counters/), as the agent's "auto" choice would see it. */
export interface ProbeCounterSource {
  readonly kind: string;
  readonly status: 'used' | 'available' | 'skipped';
  readonly detail: string;
}

/**
 * Tries the activity sources in the agent's "auto" order: perf per cgroup (hardware counters, or
 * software events said so), then cgroup CPU time (which needs cpuacct v1 or cgroup v2 accounting).
 */
export async function probeCounters(cgroupfsRoot: string, log: Logger): Promise<ProbeCounterSource[]> {
  const out: ProbeCounterSource[] = [];
  const perf = new PerfStatSource({ log, unifiedRoot: join(cgroupfsRoot, 'unified') });
  try {
    await perf.init();
    out.push({ kind: 'perf', status: 'used', detail: `${perf.counterKind} events per cgroup: ${perf.events.join(', ')}` });
  } catch (err) {
    out.push({ kind: 'perf', status: 'skipped', detail: `skipped: ${errorMessage(err)}` });
  } finally {
    await perf.close();
  }
  const cputime = new CgroupCpuTimeSource({ log });
  await cputime.init();
  const found: string[] = [];
  for (const [what, rel] of [
    ['cgroup v1 cpuacct', 'cpuacct/cpuacct.usage'],
    ['cgroup v2', 'unified/cgroup.controllers'],
    ['cgroup v2', 'cgroup.controllers'],
  ] as const) {
    if (
      await access(join(cgroupfsRoot, rel)).then(
        () => true,
        () => false,
      )
    )
      found.push(`${what} (${join(cgroupfsRoot, rel)})`);
  }
  await cputime.close();
  const status = found.length === 0 ? 'skipped' : out.some((o) => o.status === 'used') ? 'available' : 'used';
  out.push({
    kind: 'cgroup-cputime',
    status,
    detail: found.length === 0 ? `skipped: no CPU accounting under ${cgroupfsRoot}` : `CPU time per function cgroup from ${[...new Set(found)].join(', ')}`,
  });
  return out;
}

function counterLines(c: ProbeCounterSource): string {
  return `  ${c.kind.padEnd(14)} ${c.status === 'used' ? 'USED' : c.status}: ${c.detail.replace(/^skipped: /, '')}`;
}

function energyLines(s: ProbeEnergySource, emulated: boolean): string[] {
  const label = s.status === 'used' ? 'USED' : s.status === 'available' ? 'available' : s.status === 'skipped' ? 'skipped' : 'not tried';
  if (s.status === 'skipped' || s.status === 'not-tried') return [`  ${s.kind.padEnd(12)} ${label}: ${s.detail.replace(/^(skipped|not tried): /, '')}`];
  const quality = emulated && s.quality !== 'emulated' ? `${s.quality}, emulated tree` : s.quality;
  const out = [`  ${s.kind.padEnd(12)} ${label}  [${quality}]  ${s.path}${s.hostPowerW !== null ? `  host ${fmtW(s.hostPowerW)}` : ''}`];
  out.push(`      ${s.detail}`);
  const shown = s.domains.length > 16 ? s.domains.slice(0, 16) : s.domains;
  for (const d of shown) {
    const instant = d.instantPowerW !== undefined ? `, now ${fmtW(d.instantPowerW)}` : '';
    out.push(
      `      ${d.domain.padEnd(14)} socket ${d.socket}  ${fmtW(d.powerW).padStart(10)}  (${d.energyJ.toFixed(3)} J${instant})${d.inHostTotal ? '' : '  [overlaps, not in host total]'}`,
    );
  }
  if (s.domains.length > shown.length) out.push(`      … ${s.domains.length - shown.length} more domains (use --json)`);
  for (const n of s.notes) out.push(`      note: ${n}`);
  for (const w of s.warnings) out.push(`      warning: ${w}`);
  return out;
}

function frequencyLines(f: ProbeFrequency): string[] {
  if (f.status === 'skipped') return [`  ${f.kind.padEnd(12)} skipped: ${f.detail.replace(/^skipped: /, '')}`];
  const sockets = Object.entries(f.mhzBySocket).map(([s, mhz]) => `socket ${s} ${mhz.toFixed(0)} MHz`);
  const out = [`  ${f.kind.padEnd(12)} ${f.status === 'used' ? 'USED' : 'available'}  ${sockets.join(', ') || 'no figure (all sampled CPUs idle)'}`];
  out.push(`      CPUs read: ${f.cpus.length}${f.idleCpus.length > 0 ? `, idle (counters did not move): ${f.idleCpus.join(',')}` : ''}`);
  for (const n of f.detail.split('; ').filter((n) => n !== 'used' && n !== 'available')) out.push(`      note: ${n}`);
  for (const w of f.warnings) out.push(`      warning: ${w}`);
  return out;
}

/** What the probe knows of the machine its roots describe (the daemon's own detection). */
export interface ProbeHardware {
  readonly cpuModel: string;
  readonly arch: string;
  readonly sockets: number;
  readonly logicalCpus: number;
  readonly hostType: string;
  /** Where the figures come from ("detected from <procfs>/cpuinfo and <sysfs>", "emulated profile X"). */
  readonly source: string;
}

/**
 * The same hardware detection as the daemon (hardware/detect.ts on the given roots; the live
 * cross-check only on the live roots), so that the estimated meter's power profile follows the CPU
 * of `<procfs>/cpuinfo`, not the CPU of the machine the probe happens to run on.
 */
export async function probeHardware(procfsRoot: string, sysfsRoot: string): Promise<{ hardware?: HostHardware; error?: string }> {
  const live = procfsRoot === '/proc' && sysfsRoot === '/sys';
  try {
    return { hardware: await detectHardware({ procfsRoot, sysfsRoot, live: live ? new SystemInformationProbe() : undefined }) };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

/** Human-readable report, like `sensors`. */
export function formatProbeReport(
  r: ProbeReport & { counters?: readonly ProbeCounterSource[]; hardware?: ProbeHardware | { error: string }; hwpc?: ProbeHwpc },
): string {
  const lines = [`isawatt-agent probe: sysfs ${r.sysfsRoot}, procfs ${r.procfsRoot}, samples ${r.measuredIntervalMs.toFixed(0)} ms apart`];
  if (r.emulated !== null) lines.push(`EMULATED host (profile ${r.emulated}): every figure below is emulated, not measured`);
  if (r.hardware !== undefined) {
    const h = r.hardware;
    lines.push(
      'error' in h
        ? `Hardware: detection failed (${h.error}); the estimated meter falls back to its default profile`
        : `Hardware: ${h.cpuModel} (${h.arch}), ${h.sockets} socket${h.sockets === 1 ? '' : 's'}, ${h.logicalCpus} logical CPUs, host type ${h.hostType} [${h.source}]`,
    );
  }
  lines.push('', 'Energy sources (in preference order):');
  for (const s of r.energy) lines.push(...energyLines(s, r.emulated !== null));
  lines.push('', 'Frequency readers:');
  for (const f of r.frequency) lines.push(...frequencyLines(f));
  if (r.counters !== undefined) {
    lines.push('', 'Per-function activity sources:');
    for (const c of r.counters) lines.push(counterLines(c));
  }
  if (r.hwpc !== undefined) {
    lines.push('', 'hwpc-sensor input:');
    lines.push(...hwpcLines(r.hwpc));
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `probe` on the agent's program (a CommandRegistrar of cli/index.ts; needs no deps). */
export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('list the energy sources and frequency readers found, why others were skipped, and one reading of each')
    .addOption(new Option('--sysfs-root <dir>', 'root of sysfs').default('/sys'))
    .addOption(new Option('--procfs-root <dir>', 'root of procfs').default('/proc'))
    .addOption(new Option('--cgroupfs-root <dir>', 'root of the cgroup filesystems').default('/sys/fs/cgroup'))
    .option('--no-counters', 'skip the per-function activity sources (perf, cgroup CPU time)')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--interval-ms <n>', 'time between the two samples').argParser(intArg(10, 600_000, 'milliseconds')).default(1000))
    .addOption(new Option('--meters <list>', `energy sources to try, in order (${METER_KINDS.join(',')})`).argParser(meterList))
    .option('--cpu-model <model>', "CPU model for the estimated meter's power profile (default: detected from the procfs/sysfs roots, as the daemon does)")
    .addOption(new Option('--cppc-cpus-per-socket <n>', 'CPPC cores read per socket').argParser(intArg(1, 4096, 'a CPU count')).default(8))
    .option('--emulate <profile>', `probe an emulated host (${PROFILE_NAMES.join(', ')}) driven by the CPU time of --emulate-cgroup; ignores --sysfs-root`)
    .addOption(
      new Option('--emulate-cgroup <path>', 'cgroup subtree (relative to --cgroupfs-root) whose CPU time drives the emulated counters').default(
        'cpuacct/isawatt',
      ),
    )
    .option('--verbose', 'log each source tried (JSON lines on stderr)')
    .option('--hwpc-listen <host:port>', "listen for hwpc-sensor's socket output and show what arrives (sensors, targets, the functions they map to)")
    .option('--hwpc-csv-dir <dir>', "read hwpc-sensor's CSV output directory likewise")
    .addOption(
      new Option('--hwpc-cgroup-base <path>', "the sensor's cgroup_basepath (targets /<fn> below it map to functions)").default(
        '/sys/fs/cgroup/unified/isawatt',
      ),
    )
    .action(async (flags: ProbeFlags) => {
      const log = flags.verbose ? createLogger({ name: 'isawatt-agent', level: 'debug' }) : silentLogger();
      const profile = flags.emulate === undefined ? undefined : getProfile(flags.emulate);
      // An emulated host lives in a temp tree for the probe's duration: written, advanced once from
      // the cgroup's real CPU time between the two samples, then removed.
      const emuDir = profile === undefined ? undefined : await mkdtemp(join(tmpdir(), 'isawatt-probe-emulated-'));
      try {
        const emulator =
          profile === undefined || emuDir === undefined
            ? undefined
            : new Emulator({ profile, sysfsRoot: join(emuDir, 'sys'), cgroupRoot: resolve(flags.cgroupfsRoot), cgroupPath: flags.emulateCgroup, log });
        await emulator?.init();
        // No --cpu-model and no emulation: the daemon's detection on the given roots.
        let hardware: ProbeHardware | { error: string } | undefined;
        let detected: HostHardware | undefined;
        if (profile !== undefined) {
          hardware = {
            cpuModel: profile.cpuModel,
            arch: profile.arch,
            sockets: profile.sockets,
            logicalCpus: emulator?.tree.logicalCpus ?? 1,
            hostType: flags.emulate ?? '',
            source: `emulated profile ${profile.name}`,
          };
        } else if (flags.cpuModel === undefined) {
          const procfs = resolve(flags.procfsRoot);
          const sysfs = resolve(flags.sysfsRoot);
          const d = await probeHardware(procfs, sysfs);
          detected = d.hardware;
          hardware = detected
            ? {
                cpuModel: detected.cpuModel,
                arch: detected.arch,
                sockets: detected.sockets,
                logicalCpus: detected.logicalCpus,
                hostType: detected.hostType,
                source: `detected from ${procfs}/cpuinfo and ${sysfs}`,
              }
            : { error: d.error ?? 'unknown error' };
        }
        const report = await runProbe({
          sysfsRoot: emulator ? emulator.tree.root : resolve(flags.sysfsRoot),
          procfsRoot: resolve(flags.procfsRoot),
          intervalMs: flags.intervalMs,
          cppcCpusPerSocket: flags.cppcCpusPerSocket,
          log,
          ...(emulator ? { wait: async (ms: number) => (await sleep(ms), await emulator.tick()) } : {}),
          ...(flags.meters ? { meters: flags.meters } : {}),
          ...(flags.cpuModel !== undefined
            ? { cpuModel: flags.cpuModel }
            : profile
              ? { cpuModel: profile.cpuModel }
              : detected
                ? { cpuModel: detected.cpuModel }
                : { cpuModel: '' }),
          ...(profile
            ? { sockets: profile.sockets, logicalCpus: emulator?.tree.logicalCpus ?? 1, physicalCores: profile.sockets * profile.coresPerSocket }
            : detected
              ? { sockets: detected.sockets, logicalCpus: detected.logicalCpus, physicalCores: detected.physicalCores }
              : {}),
        });
        const withHardware = hardware === undefined ? report : { ...report, hardware };
        const withCounters = flags.counters ? { ...withHardware, counters: await probeCounters(resolve(flags.cgroupfsRoot), log) } : withHardware;
        // hwpc-sensor ticks arrive once a second: listen at least three of them.
        const full =
          flags.hwpcListen !== undefined || flags.hwpcCsvDir !== undefined
            ? {
                ...withCounters,
                hwpc: await probeHwpc({
                  ...(flags.hwpcListen !== undefined ? { listen: flags.hwpcListen } : {}),
                  ...(flags.hwpcCsvDir !== undefined ? { csvDir: flags.hwpcCsvDir } : {}),
                  cgroupBase: resolve(flags.hwpcCgroupBase ?? '/sys/fs/cgroup/unified/isawatt'),
                  ms: Math.max(3000, flags.intervalMs),
                  log,
                }),
              }
            : withCounters;
        const text = flags.json ? `${JSON.stringify(full, null, 2)}\n` : formatProbeReport(full);
        // Through commander's configured output, so the CLI's io (and tests) receive it.
        const out = program.configureOutput();
        if (out.writeOut) out.writeOut(text);
        else process.stdout.write(text);
      } finally {
        if (emuDir !== undefined) await rm(emuDir, { recursive: true, force: true });
      }
    });
}
