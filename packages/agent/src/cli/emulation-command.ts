// `isawatt-agent emulation show ID [--json]` prints an emulated profile's ground truth (per function:
// speed and power factors, memory-boundness; idle and per-CPU power; the emulated core's share of a
// real CPU), and `isawatt-agent emulation models --out FILE` writes the ground-truth models of
// emulated host types in the models-file schema (docs/file-formats.md), so that a profiling
// campaign on the emulated pair can be checked against them. Everything printed says ILLUSTRATIVE.
import { ConfigError, msToS } from '@isawatt/common';
import { Option, type Command } from 'commander';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { dynamicWPerBusyCpu, groundTruthModels, idlePowerW, truthOf } from '../emulation/ground-truth.js';
import { emulatedCpuCount, factorsOf, getProfile, PROFILE_NAMES, PROFILES_DIR, type EmulatedProfile } from '../emulation/profiles.js';
import type { CommandRegistrar } from './index.js';

/** The measured CPU cost per invocation shipped with the profiles. */
export const DEFAULT_COST_FILE = join(PROFILES_DIR, 'function-cpu-cost.json');
const DEFAULT_FUNCTIONS_DIR = fileURLToPath(new URL('../../../../functions', import.meta.url));
export const PAPER_PAIR = ['xeon-gold-5318y-2s', 'altra-max-m128'] as const;

/**
 * CPU ms per invocation by function, from the shipped cost file ({cpuMsPerInvocation: {fn: ms}})
 * or from `bench/functions.ts --json` output ({rows: [{function, cpuPerInvocationMs}]}).
 */
export function readCostFile(file: string): Map<string, number> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: cannot read a JSON cost file: ${(err as Error).message}`]);
  }
  const out = new Map<string, number>();
  const bad: string[] = [];
  const put = (fn: unknown, ms: unknown, where: string): void => {
    if (typeof fn !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(fn)) bad.push(`${file}: ${where}: expected a function name`);
    else if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0)
      bad.push(`${file}: ${where}: expected CPU ms per invocation > 0, got ${JSON.stringify(ms)}`);
    else out.set(fn, ms);
  };
  const d = doc as { cpuMsPerInvocation?: unknown; rows?: unknown };
  if (d !== null && typeof d === 'object' && d.cpuMsPerInvocation !== null && typeof d.cpuMsPerInvocation === 'object') {
    for (const [fn, ms] of Object.entries(d.cpuMsPerInvocation as Record<string, unknown>)) put(fn, ms, `cpuMsPerInvocation.${fn}`);
  } else if (d !== null && typeof d === 'object' && Array.isArray(d.rows)) {
    d.rows.forEach((r: unknown, i) => {
      const row = r as { function?: unknown; cpuPerInvocationMs?: unknown };
      put(row?.function, row?.cpuPerInvocationMs, `rows[${i}]`);
    });
  } else bad.push(`${file}: expected {"cpuMsPerInvocation": {function: ms}} or bench/functions.ts --json output ({"rows": [...]})`);
  if (bad.length > 0) throw new ConfigError(bad);
  if (out.size === 0) throw new ConfigError([`${file}: no function costs`]);
  return out;
}

/** Function name -> category, from each functions/<name>/function.yaml. */
export function readCategories(functionsDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let dirs: string[];
  try {
    dirs = readdirSync(functionsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    throw new ConfigError([`${functionsDir}: cannot list the function catalogue: ${(err as Error).message}`]);
  }
  for (const d of dirs) {
    try {
      const m = parseYaml(readFileSync(join(functionsDir, d, 'function.yaml'), 'utf8')) as { name?: unknown; category?: unknown };
      if (typeof m?.name === 'string' && typeof m.category === 'string' && m.category !== 'test') out.set(m.name, m.category);
    } catch {
      // Not a function folder (_lib, _harness) or a broken manifest (the runtime reports those).
    }
  }
  return out;
}

/** The ground truth of one profile as JSON (`emulation show --json`). */
export function profileTruth(p: EmulatedProfile, cost: ReadonlyMap<string, number>): Record<string, unknown> {
  const names = [...new Set([...p.functions.keys(), ...cost.keys()])].sort();
  return {
    profile: p.name,
    illustrative: true,
    note: 'ILLUSTRATIVE ground truth of an emulated host, not a measurement',
    file: p.file,
    hostType: p.hostType,
    arch: p.arch,
    cpuModel: p.cpuModel,
    sockets: p.sockets,
    coresPerSocket: p.coresPerSocket,
    threadsPerCore: p.threadsPerCore,
    emulatedCpus: emulatedCpuCount(p),
    idlePowerW: idlePowerW(p),
    dynamicWPerBusyCpu: dynamicWPerBusyCpu(p),
    realCpuSharePerEmulatedCpu: p.realCpuShare,
    interferenceStrength: p.interferenceStrength,
    basis: p.basis,
    default: p.defaultFactors,
    functions: Object.fromEntries(
      names.map((fn) => {
        const f = factorsOf(p, fn);
        const ms = cost.get(fn);
        return [fn, { ...f, listed: p.functions.has(fn), ...(ms !== undefined ? { cpuMsPerInvocationHere: ms, ...truthOf(p, fn, msToS(ms)) } : {}) }];
      }),
    ),
  };
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(1) : v >= 1 ? v.toFixed(3) : v.toPrecision(4);
}

function showText(t: Record<string, unknown>): string {
  const lines = [
    `emulated profile ${String(t.profile)} - ILLUSTRATIVE ground truth, not a measurement (${String(t.file)})`,
    `  host type ${String(t.hostType)}, ${String(t.arch)}, "${String(t.cpuModel)}", ${String(t.sockets)} socket(s) x ${String(t.coresPerSocket)} cores x ${String(t.threadsPerCore)} thread(s) = ${String(t.emulatedCpus)} emulated CPUs`,
    `  idle ${fmt(t.idlePowerW as number)} W; dynamic ${fmt(t.dynamicWPerBusyCpu as number)} W per busy CPU at power factor 1`,
    `  one emulated CPU = ${((t.realCpuSharePerEmulatedCpu as number) * 100).toFixed(2)} % of a real CPU x speed factor; co-location strength ${String(t.interferenceStrength)}`,
    '',
    `  ${'function'.padEnd(22)}${'speed'.padStart(7)}${'power'.padStart(7)}${'membound'.padStart(9)}${'exec/s/core'.padStart(13)}${'J/exec'.padStart(11)}`,
  ];
  for (const [fn, raw] of Object.entries(t.functions as Record<string, Record<string, unknown>>)) {
    const e = raw.execPerSecPerCore as number | undefined;
    const j = raw.energyPerExecJ as number | undefined;
    lines.push(
      `  ${fn.padEnd(22)}${String(raw.speed).padStart(7)}${String(raw.power).padStart(7)}${String(raw.memoryBound).padStart(9)}${(e === undefined ? '-' : fmt(e)).padStart(13)}${(j === undefined ? '-' : fmt(j)).padStart(11)}${raw.listed ? '' : '  (default)'}`,
    );
  }
  lines.push('', '  exec/s/core and J/exec: in isolation, from the CPU cost per invocation measured on this machine (dynamic energy only).');
  return `${lines.join('\n')}\n`;
}

interface ShowFlags {
  json?: boolean;
  cost: string;
}
interface ModelsFlags {
  profiles: string;
  cost: string;
  functionsDir: string;
  out: string;
}

export const registerEmulation: CommandRegistrar = (program: Command) => {
  const emu = program.command('emulation').description('emulated host profiles: their ground truth (illustrative, not measured)');
  emu
    .command('list')
    .description('names of the emulated host profiles')
    .action(() => {
      process.stdout.write(`${PROFILE_NAMES.join('\n')}\n`);
    });
  emu
    .command('show')
    .description("print a profile's ground truth: per function speed and power factors, idle and per-CPU power")
    .argument('<id>', `profile (${PROFILE_NAMES.join(', ')})`)
    .option('--json', 'JSON output')
    .addOption(
      new Option('--cost <file>', 'CPU ms per invocation measured on this machine (shipped file or bench/functions.ts --json output)').default(
        DEFAULT_COST_FILE,
      ),
    )
    .action((id: string, flags: ShowFlags) => {
      const t = profileTruth(getProfile(id), readCostFile(resolve(flags.cost)));
      process.stdout.write(flags.json ? `${JSON.stringify(t, null, 2)}\n` : showText(t));
    });
  emu
    .command('models')
    .description('write the ground-truth models of emulated host types as a models file (docs/file-formats.md)')
    .addOption(new Option('--profiles <a,b>', 'profiles to include').default(PAPER_PAIR.join(',')))
    .addOption(new Option('--cost <file>', 'CPU ms per invocation measured on this machine').default(DEFAULT_COST_FILE))
    .addOption(new Option('--functions-dir <dir>', 'function catalogue (for the categories)').default(DEFAULT_FUNCTIONS_DIR))
    .requiredOption('--out <file>', 'models file to write (.json: JSON, else YAML)')
    .action((flags: ModelsFlags) => {
      const profiles = flags.profiles
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((n) => getProfile(n));
      if (profiles.length === 0) throw new ConfigError(['--profiles: expected at least one profile']);
      const types = profiles.map((p) => p.hostType);
      const dup = types.find((t, i) => types.indexOf(t) !== i);
      if (dup !== undefined) throw new ConfigError([`--profiles: two profiles share the host type ${dup}`]);
      const costFile = resolve(flags.cost);
      const models = groundTruthModels(profiles, readCostFile(costFile), readCategories(resolve(flags.functionsDir)), costFile);
      const out = resolve(flags.out);
      const header = '# Ground-truth models of emulated host types (ILLUSTRATIVE, not measured): isawatt-agent emulation models\n';
      writeFileSync(out, out.endsWith('.json') ? `${JSON.stringify(models, null, 2)}\n` : header + toYaml(models, { lineWidth: 0 }));
      process.stdout.write(
        `wrote ${out}: ${profiles.map((p) => `${p.hostType} (${p.name})`).join(', ')}; ${Object.keys(models.categories as object).length} functions\n`,
      );
    });
};
