// Parsing of the three placement input files (hosts, models, workload), YAML or JSON. Every problem
// is reported at once as `path: message` in one ConfigError (exit code 2 in the CLI).
// Validated with zod/mini, not zod's classic API: the same core, checks and messages, without the
// classic layer that every run of `isawatt plan` loaded and built its schemas with (a third of
// the plan bundle, ~20-30 ms of CPU of each run: bench/plan-cli.ts). parse-messages.test.ts pins
// the messages the classic API gave.
import { ConfigError, formatIssues, readConfigFile } from '@isawatt/common';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ARCHES, CATEGORIES, MIXES, type HostSpec, type MixName, type Models, type WorkloadSpec } from './types.js';

// What the classic API sets up on its first schema and zod/mini leaves to us: English messages
// (else every issue reads "Invalid input") and the memoizer objects and records parse through.
// Only when unset, as the classic API does.
if (!z.config().localeError) z.config(en());
if (!z.config().memoizer) z.config({ memoizer: z.memoizer() });

const positive = z.number().check(z.positive());
/**
 * Physical bounds on every figure (docs/file-formats.md): finite, positive and small enough that
 * sums over a whole cluster stay finite (`energyPerExecJ: 1.7e308` made the objective Infinity).
 */
export const FIGURE_BOUNDS = {
  /** One execution of one function: up to 1 MJ (278 Wh). */
  energyPerExecJ: 1e6,
  /** Up to 10^9 executions per second on one core; at least 10^-9. */
  execPerSecPerCore: 1e9,
  minFigure: 1e-9,
  /** A whole server at idle. */
  idlePowerW: 10_000,
  /** Cores of one host. */
  cores: 65_536,
  /** Requests per second of one function. */
  rate: 1e9,
} as const;
function bounded(max: number, unit: string): z.ZodMiniNumber {
  return z
    .number()
    .check(
      z.gte(FIGURE_BOUNDS.minFigure, `expected at least ${FIGURE_BOUNDS.minFigure} ${unit}`),
      z.lte(max, `expected at most ${max} ${unit} (a physical bound)`),
    );
}
const energyJ = bounded(FIGURE_BOUNDS.energyPerExecJ, 'J');
const execRate = bounded(FIGURE_BOUNDS.execPerSecPerCore, 'executions/s per core');
const idlePowerW = z.number().check(z.nonnegative(), z.lte(FIGURE_BOUNDS.idlePowerW, `expected at most ${FIGURE_BOUNDS.idlePowerW} W`));
const arch = z.enum(ARCHES as [string, ...string[]], { message: `expected one of ${ARCHES.join(', ')}` });
const name = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128, 'expected at most 128 characters'),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
  );

const hostsSchema = z.strictObject({
  hosts: z
    .array(
      z.strictObject({
        id: name,
        type: name,
        arch,
        cores: z.number().check(z.int(), z.positive(), z.lte(FIGURE_BOUNDS.cores, `expected at most ${FIGURE_BOUNDS.cores} cores`)),
        idlePowerW: z.optional(idlePowerW),
      }),
    )
    .check(z.minLength(1, 'expected at least one host')),
});

const figureSpreadSchema = z
  .strictObject({
    median: positive,
    min: positive,
    max: positive,
    cv: z.number().check(z.nonnegative()),
    perBag: z.optional(z.array(positive).check(z.maxLength(10_000))),
  })
  .check(z.refine((f) => f.min <= f.median && f.median <= f.max, 'expected min <= median <= max'));

/** Most open-loop points a function model may carry (each one is a profiling phase). */
export const MAX_OPEN_LOOP_POINTS = 16;

const openLoopSchema = z.strictObject({
  utilisation: z.number().check(z.gt(0, 'expected a share of saturated capacity > 0'), z.lte(1, 'expected a share of saturated capacity <= 1')),
  execPerSecPerCore: execRate,
  energyPerExecJ: energyJ,
  samples: z.optional(z.number().check(z.int(), z.nonnegative())),
});

const functionModelSchema = z
  .strictObject({
    execPerSecPerCore: execRate,
    energyPerExecJ: energyJ,
    execPerSecPerCoreStd: z.optional(z.number().check(z.nonnegative())),
    energyPerExecJStd: z.optional(z.number().check(z.nonnegative())),
    samples: z.optional(z.number().check(z.int(), z.nonnegative())),
    spread: z.optional(
      z.strictObject({
        bags: z.number().check(z.int(), z.positive()),
        execPerSecPerCore: figureSpreadSchema,
        energyPerExecJ: figureSpreadSchema,
      }),
    ),
    openLoop: z.optional(openLoopSchema),
    // Every open-loop point, strictly increasing in utilisation, the last one `openLoop` itself.
    openLoopPoints: z.optional(z.array(openLoopSchema).check(z.minLength(1), z.maxLength(MAX_OPEN_LOOP_POINTS))),
  })
  .check(
    z.superRefine((f, ctx) => {
      const pts = f.openLoopPoints;
      if (pts === undefined) return;
      pts.forEach((p, i) => {
        const prev = pts[i - 1];
        if (prev !== undefined && !(p.utilisation > prev.utilisation))
          ctx.addIssue({
            code: 'custom',
            path: ['openLoopPoints', i, 'utilisation'],
            message: `expected more than the point before (${prev.utilisation}), got ${p.utilisation}`,
          });
      });
      const last = pts[pts.length - 1];
      if (f.openLoop === undefined)
        ctx.addIssue({ code: 'custom', path: ['openLoop'], message: 'missing: openLoopPoints needs openLoop (its last, highest-utilisation point)' });
      else if (
        last !== undefined &&
        (f.openLoop.utilisation !== last.utilisation ||
          f.openLoop.energyPerExecJ !== last.energyPerExecJ ||
          f.openLoop.execPerSecPerCore !== last.execPerSecPerCore)
      )
        ctx.addIssue({
          code: 'custom',
          path: ['openLoop'],
          message: `expected the last of openLoopPoints (utilisation ${last.utilisation}), got utilisation ${f.openLoop.utilisation}`,
        });
    }),
  );

const modelsSchema = z.strictObject({
  source: z.optional(z.string()),
  provenance: z.optional(z.record(z.string(), z.unknown())),
  hostTypes: z.record(
    name,
    z.strictObject({
      arch,
      idlePowerW: z.optional(idlePowerW),
      functions: z.record(name, functionModelSchema),
    }),
  ),
  categories: z.optional(z.record(name, z.enum(CATEGORIES as [string, ...string[]]))),
});

const ratesWorkloadSchema = z.strictObject({
  functions: z
    .array(
      z.strictObject({
        name,
        rate: z.number().check(z.positive('rate must be > 0 requests/s'), z.lte(FIGURE_BOUNDS.rate, `rate must be at most ${FIGURE_BOUNDS.rate} requests/s`)),
      }),
    )
    .check(z.minLength(1, 'expected at least one function')),
});

const mixWorkloadSchema = z.strictObject({
  mix: z.enum(MIXES as [string, ...string[]], { message: `expected one of ${MIXES.join(', ')}` }),
  load: z.number().check(z.positive('load must be > 0 (share of the cluster cores)')),
  functions: z.optional(z.array(name).check(z.minLength(1))),
});

/**
 * Objects (and arrays) in a document beyond which zod's compiled object parsers pay off. zod
 * compiles a parser for each object schema (`new Function`) on its first parse: ~1 ms apiece, on
 * every run of a CLI, and it wins back more than that only on documents with many objects (the
 * 1,000 x 100 models file: 40-70 ms faster; the 22 x 2 example files: slower). Below this count
 * the schema's own (interpreted) parser runs: the same result and issues, zod's `jitless` option.
 */
export const JIT_MIN_OBJECTS = 1000;

/** Whether doc holds fewer than `limit` objects and arrays (stops counting at the limit). */
export function hasFewObjects(doc: unknown, limit = JIT_MIN_OBJECTS): boolean {
  let count = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (++count >= limit) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return true;
}

function check<T>(schema: z.ZodMiniType<T>, doc: unknown, what: string, path: string): T {
  const r = schema.safeParse(doc, { jitless: hasFewObjects(doc) });
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, path), what);
  return r.data;
}

function duplicates(xs: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of xs) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}

/** Validates a parsed hosts document. `source` names the file in messages. */
export function parseHosts(doc: unknown, source = 'hosts'): HostSpec[] {
  const d = check(hostsSchema, doc, 'hosts file', source);
  const dup = duplicates(d.hosts.map((h) => h.id));
  if (dup.length)
    throw new ConfigError(
      dup.map((id) => `${source}.hosts: duplicate host id "${id}"`),
      'hosts file',
    );
  return d.hosts.map((h) => ({ ...h, arch: h.arch as HostSpec['arch'] }));
}

/** Validates a parsed models document. */
export function parseModels(doc: unknown, source = 'models'): Models {
  const d = check(modelsSchema, doc, 'models file', source);
  return { ...d, categories: d.categories ?? {} } as Models;
}

/** Validates a parsed workload document (explicit rates or a mix). */
export function parseWorkload(doc: unknown, source = 'workload'): WorkloadSpec {
  // The form is chosen by the presence of `mix`, so that errors speak about the form meant.
  if (typeof doc === 'object' && doc !== null && 'mix' in doc) {
    const m = check(mixWorkloadSchema, doc, 'workload file', source);
    if (m.functions) {
      const dupMix = duplicates(m.functions);
      if (dupMix.length) {
        throw new ConfigError(
          dupMix.map((n) => `${source}.functions: function "${n}" listed twice`),
          'workload file',
        );
      }
    }
    return { kind: 'mix', mix: m.mix as MixName, load: m.load, functions: m.functions };
  }
  const d = check(ratesWorkloadSchema, doc, 'workload file', source);
  const dup = duplicates(d.functions.map((f) => f.name));
  if (dup.length) {
    throw new ConfigError(
      dup.map((n) => `${source}.functions: function "${n}" listed twice`),
      'workload file',
    );
  }
  return { kind: 'rates', functions: d.functions.map((f) => ({ name: f.name, rateRps: f.rate })) };
}

export function loadHostsFile(path: string): HostSpec[] {
  return parseHosts(readConfigFile(path, 'hosts file'), path);
}
export function loadModelsFile(path: string): Models {
  return parseModels(readConfigFile(path, 'models file'), path);
}
export function loadWorkloadFile(path: string): WorkloadSpec {
  return parseWorkload(readConfigFile(path, 'workload file'), path);
}
