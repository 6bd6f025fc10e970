// Writes the models file `isawatt profile` produces: the schema `plan` and `deploy` read
// (docs/file-formats.md), with each figure's spread across bags, the categories from the agents'
// catalogues, and the provenance (date, commit, hosts, energy sources and their quality labels,
// campaign parameters). The document is validated by the same parser `plan` uses before it is
// written, and written atomically (temp file, rename).
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { parseModels } from '../workload/parse.js';
import { CATEGORIES, type Arch, type Category, type FunctionModel, type Models } from '../workload/types.js';
import type { AggregatedHostType, QualityName } from './aggregate.js';

export interface ProfiledHostType {
  readonly arch: Arch;
  readonly aggregated: AggregatedHostType;
}

export interface ModelsDocInput {
  readonly hostTypes: Readonly<Record<string, ProfiledHostType>>;
  /** Category of each function from the catalogues ("test" and unknown ones are left out). */
  readonly categories: Readonly<Record<string, string>>;
  readonly provenance: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

function qualityWords(qs: readonly QualityName[]): string {
  const set = [...new Set(qs)];
  if (set.length === 0) return 'no energy figures';
  return set.map((q) => q.toUpperCase()).join(' + ');
}

export function buildModels(input: ModelsDocInput): Models {
  const hostTypes: Record<string, { arch: Arch; idlePowerW?: number; functions: Record<string, FunctionModel> }> = {};
  const qualities: QualityName[] = [];
  const qualityByType: Record<string, Record<string, QualityName>> = {};
  const openLoopByType: Record<string, Record<string, unknown>> = {};
  const openLoopPointsByType: Record<string, Record<string, unknown>> = {};
  for (const [type, t] of Object.entries(input.hostTypes).sort(([a], [b]) => a.localeCompare(b))) {
    const functions: Record<string, FunctionModel> = {};
    qualityByType[type] = {};
    for (const [fn, f] of Object.entries(t.aggregated.functions)) {
      functions[fn] = {
        execPerSecPerCore: f.execPerSecPerCore,
        energyPerExecJ: f.energyPerExecJ,
        samples: f.spread.bags,
        spread: f.spread,
        ...(f.openLoop ? { openLoop: f.openLoop } : {}),
        ...(f.openLoopPoints ? { openLoopPoints: f.openLoopPoints } : {}),
      };
      if (f.openLoopCheck) (openLoopByType[type] ??= {})[fn] = f.openLoopCheck;
      if (f.openLoopChecks) (openLoopPointsByType[type] ??= {})[fn] = f.openLoopChecks;
      qualities.push(f.quality);
      qualityByType[type][fn] = f.quality;
    }
    hostTypes[type] = { arch: t.arch, ...(t.aggregated.idlePowerW !== undefined ? { idlePowerW: t.aggregated.idlePowerW } : {}), functions };
  }
  const categories: Record<string, Category> = {};
  for (const [fn, c] of Object.entries(input.categories).sort(([a], [b]) => a.localeCompare(b))) {
    if ((CATEGORIES as readonly string[]).includes(c)) categories[fn] = c as Category;
  }
  const emulated = qualities.includes('emulated');
  const source =
    `isawatt profile ${input.createdAt}: ${qualityWords(qualities)} energy` +
    (emulated ? ' (EMULATED hosts: an illustration of the method, not a measurement of real servers)' : '');
  return {
    source,
    provenance: {
      ...input.provenance,
      createdAt: input.createdAt,
      quality: qualityByType,
      // Per host type and function: offered and achieved req/s and the cores' busy share in the
      // open-loop phase (the openLoop figures' context: a phase whose cores could not keep up says so).
      // With several utilisations, `openLoop` is the highest's and `openLoopPoints` has every one's.
      ...(Object.keys(openLoopByType).length > 0 ? { openLoop: openLoopByType } : {}),
      ...(Object.keys(openLoopPointsByType).length > 0 ? { openLoopPoints: openLoopPointsByType } : {}),
    },
    hostTypes,
    categories,
  };
}

/** YAML text of the models, with a header that says what it is. */
export function modelsYaml(models: Models): string {
  const header = [
    '# Performance and energy models written by `isawatt profile` (docs/profiling.md).',
    `# ${models.source ?? ''}`,
    '# Figures: median over the bags, bag-paired across host types (docs/profiling.md, "Bag-paired figures");',
    "# spread: each type's own per-bag values, plain median, min, max, coefficient of variation.",
    '# openLoop: the same functions driven open loop at a share of their saturated capacity (median over the bags, bag-paired);',
    '# openLoopPoints: every utilisation measured, ascending (openLoop is the last); the planner fits its energy model through all.',
  ].join('\n');
  return `${header}\n${stringify(models, { lineWidth: 0 })}`;
}

/** Validates with the planner's own parser, then writes atomically. */
export async function writeModelsFile(path: string, models: Models): Promise<void> {
  const text = modelsYaml(models);
  parseModels(JSON.parse(JSON.stringify(models)), path);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
