// Parsing of `isawatt simulate`'s option values and loading of its input files. Every bad value
// or file problem is a ConfigError (exit 2) naming the flag or the file and what was expected;
// the cluster and models files are both read before failing, so all their problems come at once.
import { ConfigError } from '@isawatt/common';
import { parsePolicies } from '../placement/inputs.js';
import { loadModelsFile, parseModels } from '../workload/parse.js';
import type { Models } from '../workload/types.js';
import { clusterModelIssues, loadClusterFile, type Cluster } from './cluster.js';

const what = 'simulate options';

/** Models from a file, or a document already read (the models stored with measured runs). */
export type ModelsInput = string | { readonly doc: unknown; readonly label: string };

export function loadSimulationInputs(clusterFile: string, modelsFile: ModelsInput): { cluster: Cluster; models: Models } {
  const issues: string[] = [];
  let cluster: Cluster | undefined;
  let models: Models | undefined;
  try {
    cluster = loadClusterFile(clusterFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
  }
  try {
    models = typeof modelsFile === 'string' ? loadModelsFile(modelsFile) : parseModels(modelsFile.doc, modelsFile.label);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues.push(...err.issues);
  }
  if (cluster && models) issues.push(...clusterModelIssues(cluster, models, clusterFile));
  if (issues.length || !cluster || !models) throw new ConfigError(issues, 'simulation input');
  return { cluster, models };
}

/** A comma list of numbers, each checked by `ok`. */
export function parseNumberList(flag: string, value: string, ok: (x: number) => boolean, expected: string): number[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = parts.filter((s) => !ok(Number(s)));
  if (parts.length === 0 || bad.length) throw new ConfigError([`${flag} "${value}": expected ${expected}`], what);
  return [...new Set(parts.map(Number))];
}

export function parseLoads(value: string): number[] {
  return parseNumberList(
    '--load',
    value,
    (x) => Number.isFinite(x) && x > 0 && x <= 2,
    'a comma list of loads in (0, 2] (shares of the cluster function cores, e.g. 0.2,0.5,0.8)',
  );
}

export function parseArmShares(value: string): number[] {
  return parseNumberList('--arm-shares', value, (x) => Number.isFinite(x) && x >= 0 && x <= 1, 'a comma list of shares in [0, 1]');
}

export function parsePositiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new ConfigError([`${flag} "${value}": expected a whole number in 1..${max}`], what);
  return n;
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new ConfigError([`--seed "${value}": expected a whole number in 0..4294967295`], what);
  return n;
}

export function parsePercent(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new ConfigError([`${flag} "${value}": expected a percentage in 0..${max}`], what);
  return n;
}

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError([`${flag} "${value}": expected one of ${choices.join(', ')}`], what);
  return value as T;
}

export function parsePolicyList(value: string): ReturnType<typeof parsePolicies> {
  return parsePolicies(value);
}

/** 0.1, 0.2, ..., 1.0: the load sweep's default. */
export const SWEEP_LOADS: readonly number[] = Array.from({ length: 10 }, (_, k) => (k + 1) / 10);
/** 0, 0.1, ..., 1: the ARM share sweep's default. */
export const SWEEP_ARM_SHARES: readonly number[] = Array.from({ length: 11 }, (_, k) => k / 10);
