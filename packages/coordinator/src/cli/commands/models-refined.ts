// `isawatt models refined`: exports the models the coordinator refined online from production
// telemetry as a models file that `plan --models FILE` reads. Planning on refined models is a
// choice: nothing uses them unless that file is passed. Pairs whose confidence is below
// --min-confidence keep the base figure (--models BASE, the profiled models); pairs without a base
// need the live hosts to know their arch. The file says where every figure comes from (source and
// provenance, with the energy quality of the telemetry: emulated or estimated energy stays so).
// Exit codes: 0 written; 1 nothing to write; 2 bad input; 3 coordinator unreachable.
import { writeFileSync } from 'node:fs';
import { ConfigError, EXIT, ExitError, type wire } from '@isawatt/common';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadModelsFile, parseModels } from '../../workload/parse.js';
import type { Arch, FunctionModel, Models } from '../../workload/types.js';
import type { CliContext } from '../context.js';
import { addConnectionOptions, connectionFromFlags, ControlClient, type ConnectionFlags } from '../control-client.js';

interface RefinedFlags extends ConnectionFlags {
  out: string;
  models?: string;
  minConfidence: string;
  json?: boolean;
}

const QUALITY: Record<string, string> = {
  QUALITY_MEASURED: 'measured',
  QUALITY_MODELLED: 'modelled',
  QUALITY_ESTIMATED: 'estimated',
  QUALITY_EMULATED: 'emulated',
};

/** Builds the refined models: the base with every confident estimate in place of its figures. */
export function refinedModels(
  res: wire.GetModelEstimatesResponse__Output,
  base: Models | undefined,
  archOf: ReadonlyMap<string, Arch>,
  minConfidence: number,
  meta: { coordinator: string; nowIso: string },
): { models: Models; used: wire.ModelEstimate__Output[]; skipped: string[] } {
  const hostTypes: Record<string, { arch: Arch; idlePowerW?: number | undefined; functions: Record<string, FunctionModel> }> = {};
  for (const [t, m] of Object.entries(base?.hostTypes ?? {})) hostTypes[t] = { ...m, functions: { ...m.functions } };
  const used: wire.ModelEstimate__Output[] = [];
  const skipped: string[] = [];
  for (const e of res.estimates) {
    if (e.confidence < minConfidence) continue;
    if (!(e.exec_per_sec_per_core > 0) || !(e.energy_per_exec_j > 0)) continue;
    let t = hostTypes[e.host_type];
    if (!t) {
      const arch = archOf.get(e.host_type);
      if (!arch) {
        skipped.push(`${e.host_type}/${e.function}: no base model and no live host of that type to tell its arch`);
        continue;
      }
      t = { arch, functions: {} };
      hostTypes[e.host_type] = t;
    }
    const prev = t.functions[e.function];
    const samples = Number(e.samples);
    // Production figures are completions per CPU-second and energy per completion at production's
    // utilisation, below saturation. Where the base has open-loop figures (measured at the
    // utilisation plans load functions to), production's replace those and the saturated ones stay
    // (the planner's cost curve runs between the two); otherwise they replace the saturated ones.
    // The profiled spread describes the bags, not production: kept as it was (still the robust option's input).
    // With several open-loop points, production's figures replace the highest one (the one
    // `openLoop` repeats, and the capacity plans are sized on); the lower points stay in the fit.
    const refinedOpenLoop = prev?.openLoop
      ? { utilisation: prev.openLoop.utilisation, execPerSecPerCore: e.exec_per_sec_per_core, energyPerExecJ: e.energy_per_exec_j, samples }
      : undefined;
    t.functions[e.function] =
      prev && refinedOpenLoop
        ? {
            ...prev,
            openLoop: refinedOpenLoop,
            ...(prev.openLoopPoints ? { openLoopPoints: [...prev.openLoopPoints.slice(0, -1), refinedOpenLoop] } : {}),
          }
        : {
            ...(prev?.spread ? { spread: prev.spread } : {}),
            execPerSecPerCore: e.exec_per_sec_per_core,
            energyPerExecJ: e.energy_per_exec_j,
            samples,
          };
    used.push(e);
  }
  const qualities = [...new Set(used.map((e) => QUALITY[e.energy_quality] ?? 'unknown'))].sort();
  const models: Models = {
    source: `refined online from production telemetry (energy ${qualities.join('/') || 'none'}) on ${meta.nowIso}; base: ${base?.source ?? 'none'}`,
    provenance: {
      refinedOnline: {
        coordinator: meta.coordinator,
        at: meta.nowIso,
        tauS: res.tau_s,
        minConfidence,
        prior: res.prior_source || 'none',
        pairs: used.map((e) => ({
          hostType: e.host_type,
          function: e.function,
          confidence: Number(e.confidence.toFixed(4)),
          samples: Number(e.samples),
          energyQuality: QUALITY[e.energy_quality] ?? 'unknown',
          ...(e.has_profiled ? { profiledExecPerSecPerCore: e.profiled_exec_per_sec_per_core, profiledEnergyPerExecJ: e.profiled_energy_per_exec_j } : {}),
          drift: e.drift,
        })),
      },
      ...(base?.provenance ? { base: base.provenance } : {}),
    },
    hostTypes,
    categories: base?.categories ?? {},
  };
  return { models, used, skipped };
}

function table(res: wire.GetModelEstimatesResponse__Output, minConfidence: number): string {
  const t = new Table({
    head: ['host type', 'function', 'execs/s/core', 'profiled', 'J/exec', 'profiled', 'confidence', 'samples', 'energy', 'drift', 'exported'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const pct = (v: number, p: number): string => (p > 0 ? ` (${v >= p ? '+' : ''}${(((v - p) / p) * 100).toFixed(1)} %)` : '');
  for (const e of res.estimates) {
    t.push([
      e.host_type,
      e.function,
      e.exec_per_sec_per_core.toFixed(2) + pct(e.exec_per_sec_per_core, e.profiled_exec_per_sec_per_core),
      e.has_profiled ? e.profiled_exec_per_sec_per_core.toFixed(2) : '-',
      e.energy_per_exec_j.toPrecision(4) + pct(e.energy_per_exec_j, e.profiled_energy_per_exec_j),
      e.has_profiled ? e.profiled_energy_per_exec_j.toPrecision(4) : '-',
      e.confidence.toFixed(3),
      e.samples,
      QUALITY[e.energy_quality] ?? 'unknown',
      e.drift ? 'DRIFT' : '',
      e.confidence >= minConfidence ? 'yes' : 'no',
    ]);
  }
  return t.toString();
}

/** Adds `refined` under the `models` command (commands/models.ts). */
export function registerModelsRefined(models: Command, ctx: CliContext): void {
  const refined = models.command('refined').description('export the models refined online from production telemetry as a models file for plan');
  refined.exitOverride().configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
  addConnectionOptions(
    refined
      .requiredOption('-o, --out <file>', 'models file to write (YAML)')
      .option('-m, --models <file>', 'base models (the profiled ones): pairs not refined keep their figures')
      .option('--min-confidence <c>', 'export an estimate only from this confidence (0..1)', '0.5')
      .option('--json', 'print the estimates as JSON'),
  ).action(async (flags: RefinedFlags) => {
    const minConfidence = Number(flags.minConfidence);
    if (flags.minConfidence.trim() === '' || !(minConfidence >= 0 && minConfidence <= 1)) {
      throw new ExitError(EXIT.BAD_INPUT, `--min-confidence: expected a number between 0 and 1, got "${flags.minConfidence}"`);
    }
    let base: Models | undefined;
    try {
      base = flags.models !== undefined ? loadModelsFile(flags.models) : undefined;
    } catch (err) {
      if (err instanceof ConfigError) throw new ExitError(EXIT.BAD_INPUT, err.message);
      throw err;
    }
    const conn = connectionFromFlags(flags, ctx.io.env);
    const client = new ControlClient(conn);
    try {
      const res = await client.getModelEstimates();
      const archOf = new Map<string, Arch>();
      for (const h of (await client.listHosts()).hosts) {
        const a = h.hello?.arch === 'ARCH_X86_64' ? 'x86_64' : h.hello?.arch === 'ARCH_AARCH64' ? 'aarch64' : undefined;
        if (a && h.hello?.host_type) archOf.set(h.hello.host_type, a);
      }
      const out = refinedModels(res, base, archOf, minConfidence, { coordinator: conn.address, nowIso: new Date().toISOString() });
      if (flags.json)
        ctx.io.stdout(
          JSON.stringify(
            { priorSource: res.prior_source, tauS: res.tau_s, estimates: res.estimates, exported: out.used.length, skipped: out.skipped },
            null,
            2,
          ) + '\n',
        );
      else {
        ctx.io.stdout(res.estimates.length ? table(res, minConfidence) + '\n' : 'no estimates yet (no telemetry with completions)\n');
        for (const s of out.skipped) ctx.io.stderr(`isawatt: skipped ${s}\n`);
      }
      if (Object.keys(out.models.hostTypes).length === 0)
        throw new ExitError(EXIT.FAILURE, 'nothing to write: no estimate reached --min-confidence and no base models (--models)');
      // The file must read back as a valid models file before it replaces anything.
      parseModels(JSON.parse(JSON.stringify(out.models)), flags.out);
      writeFileSync(
        flags.out,
        `# Models refined online by isawatt (see source and provenance). Plan on them with: isawatt plan --models ${flags.out}\n${stringify(out.models)}`,
      );
      if (!flags.json)
        ctx.io.stdout(
          `wrote ${flags.out}: ${out.used.length} refined pair${out.used.length === 1 ? '' : 's'}${base ? `, the rest from ${flags.models}` : ''}\n`,
        );
    } finally {
      client.close();
    }
  });
}
