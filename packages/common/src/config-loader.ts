// Layered configuration: defaults (in the schema) < YAML/JSON file < environment < flags. Every
// problem is listed at once (`path: message`) in one ConfigError. Unknown keys are warnings, not
// failures (Kepler config/unknown.go), so that a newer config file still starts an older daemon.
import { readFileSync } from 'node:fs';
import type * as JsYaml from 'js-yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { lazyRequire } from './lazy-require.js';

/**
 * The YAML parser, loaded for the first YAML document (JSON files and flags-only runs skip it).
 * js-yaml, not the `yaml` package the rest of the code writes YAML with: on a CLI's cold start it
 * loads and parses a small file in ~40 ms of CPU where `yaml` takes ~130 ms (its composer builds
 * a node tree first); bench/plan-cli.ts. Read with the YAML 1.2 core schema, as `yaml` reads by
 * default: no timestamps, no merge keys; duplicate keys are an error in both.
 */
const yamlLib = lazyRequire<typeof JsYaml>('js-yaml');

function parseYaml(text: string): unknown {
  const lib = yamlLib();
  return lib.load(text, { schema: lib.CORE_SCHEMA });
}

export interface LoadConfigOptions<S extends z.ZodType> {
  /** A zod schema built from z.strictObject (so that unknown keys are found) with defaults. */
  schema: S;
  /** Path of a YAML or JSON config file (optional). */
  file?: string | undefined;
  /** Environment (process.env) and the mapping from variable name to dotted config path. */
  env?: NodeJS.ProcessEnv;
  envMap?: Readonly<Record<string, string>>;
  /** Values from flags, as dotted path -> value; undefined values are ignored. */
  flags?: Readonly<Record<string, unknown>>;
  /** What to call it in errors ("agent config"). */
  what?: string;
}

export interface LoadedConfig<T> {
  config: T;
  /** Non-fatal findings (unknown keys), one line each. */
  warnings: string[];
}

/**
 * JSON with JSON.parse, YAML with the yaml parser: a JSON document is valid YAML, but the YAML
 * parser builds a node tree first and costs ~50 times more (a 6.5 MB models file: 2.5 s and
 * hundreds of MB of garbage, against 60 ms). A `.json` file must be JSON; any other file that
 * parses as JSON is taken as JSON, else as YAML.
 */
function parseConfigText(text: string, path: string, what: string): unknown {
  const isJsonFile = path.toLowerCase().endsWith('.json');
  if (isJsonFile || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      if (isJsonFile) throw new ConfigError([`${path}: not valid JSON: ${(err as Error).message.slice(0, 200)}`], what);
      // YAML flow style also starts with "{" or "[": let the YAML parser decide (and explain).
    }
  }
  try {
    return parseYaml(text);
  } catch (err) {
    // js-yaml's message is "reason (line:column)" and then an excerpt of the file: keep the first line.
    const msg = err instanceof yamlLib().YAMLException ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new ConfigError([`${path}: not valid YAML/JSON: ${msg}`], what);
  }
}

/** Reads a YAML or JSON file into a plain object, with a ConfigError naming the file on failure. */
export function readConfigFile(path: string, what = 'config'): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([`${path}: cannot read (${code})`], what);
  }
  const doc = parseConfigText(text, path, what);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`${path}: expected a mapping at the top level`], what);
  }
  return doc as Record<string, unknown>;
}

/** Sets `obj[a][b][c] = value` for path "a.b.c", creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Environment strings are parsed as YAML scalars: "1000" -> 1000, "true" -> true, "a,b" stays text. */
function envValue(raw: string): unknown {
  try {
    const v: unknown = parseYaml(raw);
    return v === null ? raw : v;
  } catch {
    return raw;
  }
}

/** Formats zod issues as `path: message` lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${i.message}`;
  });
}

function deletePath(obj: unknown, path: readonly PropertyKey[], key: string): void {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  if (typeof cur === 'object' && cur !== null) delete (cur as Record<string, unknown>)[key];
}

export function loadConfig<S extends z.ZodType>(opts: LoadConfigOptions<S>): LoadedConfig<z.output<S>> {
  const what = opts.what ?? 'config';
  const input: Record<string, unknown> = opts.file ? readConfigFile(opts.file, what) : {};
  const problems: string[] = [];
  for (const [name, path] of Object.entries(opts.envMap ?? {})) {
    const raw = opts.env?.[name];
    if (raw !== undefined && raw !== '') setPath(input, path, envValue(raw));
  }
  for (const [path, value] of Object.entries(opts.flags ?? {})) {
    if (value !== undefined) setPath(input, path, value);
  }
  const warnings: string[] = [];
  let result = opts.schema.safeParse(input);
  if (!result.success) {
    const unknown = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    for (const issue of unknown) {
      for (const key of issue.keys) {
        warnings.push(`${[...issue.path.map(String), key].join('.')}: unknown key, ignored`);
        deletePath(input, issue.path, key);
      }
    }
    if (unknown.length > 0) result = opts.schema.safeParse(input);
  }
  if (!result.success) problems.push(...formatIssues(result.error.issues));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems, what);
  return { config: result.data, warnings };
}
