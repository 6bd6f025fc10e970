// The local function catalogue: every functions/<name>/function.yaml, validated, with whether this
// host can run it and why not. Only catalogue functions can ever run: the coordinator names
// functions, never commands. Broken manifests do not stop the agent; they are listed as problems
// (with the file and every `path: message`) and the function is not runnable.
import { readdir, readFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ValidationError, errorMessage } from '@isawatt/common';
import type { CatalogueEntryInfo } from './function-runtime.js';
import { parseFunctionSpec, type FunctionSpec } from './function-spec.js';
import type { Toolchain } from './harness-command.js';

export interface CatalogueEntry {
  readonly spec: FunctionSpec;
  /** Absolute function folder. */
  readonly dir: string;
  readonly runnable: boolean;
  readonly unavailableReason: string;
}

export interface CatalogueProblem {
  readonly folder: string;
  readonly file: string;
  /** One line per problem, each `<file>: <path>: <message>`. */
  readonly issues: readonly string[];
}

/** Identity the workers run as (an unprivileged user when the agent is root). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export class Catalogue {
  constructor(
    readonly functionsDir: string,
    private readonly entries: ReadonlyMap<string, CatalogueEntry>,
    readonly problems: readonly CatalogueProblem[],
  ) {}

  get(name: string): CatalogueEntry | undefined {
    return this.entries.get(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  all(): CatalogueEntry[] {
    return this.names()
      .map((n) => this.entries.get(n))
      .filter((e): e is CatalogueEntry => e !== undefined);
  }

  /** What the agent reports in Hello: valid entries, then broken manifests as not runnable. */
  info(): CatalogueEntryInfo[] {
    const valid = this.all().map((e) => ({
      name: e.spec.name,
      version: e.spec.version,
      runtime: e.spec.runtime,
      category: e.spec.category,
      runnable: e.runnable,
      unavailableReason: e.unavailableReason,
    }));
    const broken = this.problems
      .filter((p) => !this.entries.has(p.folder))
      .map((p) => ({ name: p.folder, version: '', runtime: '', category: '', runnable: false, unavailableReason: p.issues.join('; ') }));
    return [...valid, ...broken];
  }
}

/**
 * Whether `uid`/`gid` may read `path` (and search every directory above it), from the mode bits.
 * Root-owned trees with 0755/0644 pass; a 0700 home directory on the way fails.
 */
export function readableBy(path: string, who: RunAs, needExec = false): string {
  const abs = resolve(path);
  const chain: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      return `${p}: ${errorMessage(err)}`;
    }
    const isTarget = p === abs;
    const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    const want = st.isDirectory() ? (isTarget ? 5 : 1) : needExec ? 5 : 4;
    if ((bits & want) !== want) {
      return `${p} is not ${st.isDirectory() ? (isTarget ? 'readable and searchable' : 'searchable') : needExec ? 'readable and executable' : 'readable'} by uid ${who.uid} (mode ${(st.mode & 0o777).toString(8)})`;
    }
  }
  return '';
}

export interface LoadCatalogueOptions {
  readonly functionsDir: string;
  readonly toolchain: Toolchain;
  /** When set, each function folder must be readable by this identity. */
  readonly runAs?: RunAs;
}

/** Reads every functions/<name>/function.yaml (folders starting with "_" or "." are skipped). */
export async function loadCatalogue(opts: LoadCatalogueOptions): Promise<Catalogue> {
  const functionsDir = resolve(opts.functionsDir);
  let folders: string[];
  try {
    folders = (await readdir(functionsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.') && d.name !== 'node_modules')
      .map((d) => d.name)
      .sort();
  } catch (err) {
    throw new ValidationError(functionsDir, `cannot read the functions directory: ${errorMessage(err)}`);
  }
  const entries = new Map<string, CatalogueEntry>();
  const problems: CatalogueProblem[] = [];
  for (const folder of folders) {
    const dir = join(functionsDir, folder);
    const file = join(dir, 'function.yaml');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // not a function folder
      problems.push({ folder, file, issues: [`${file}: cannot read: ${errorMessage(err)}`] });
      continue;
    }
    let spec: FunctionSpec;
    try {
      spec = parseFunctionSpec(text, file, folder);
    } catch (err) {
      const issues = err instanceof ValidationError && err.issues.length > 0 ? err.issues : [errorMessage(err)];
      problems.push({ folder, file, issues });
      continue;
    }
    let reason = opts.toolchain.functionUnavailable(spec, dir);
    if (reason === '' && opts.runAs !== undefined) {
      const perm = readableBy(dir, opts.runAs);
      if (perm !== '') reason = `workers run as uid ${opts.runAs.uid}: ${perm}`;
      else if (spec.runtime === 'native') {
        const exe = readableBy(join(dir, spec.entry), opts.runAs, true);
        if (exe !== '') reason = `workers run as uid ${opts.runAs.uid}: ${exe}`;
      }
    }
    entries.set(spec.name, { spec, dir, runnable: reason === '', unavailableReason: reason });
  }
  return new Catalogue(functionsDir, entries, problems);
}
