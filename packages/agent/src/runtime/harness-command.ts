// How to start a warm worker for each runtime (the harness entry points of
// docs/design/worker-protocol.md), and whether this host can: the toolchain and the harness files
// must exist. Pure path logic plus file checks; no process is started here.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { FunctionSpec, RuntimeKind } from './function-spec.js';

export interface ToolchainOptions {
  /** Repository root: harnesses live in <root>/functions/_harness (default: functionsDir/..). */
  readonly repoRoot: string;
  /** Node binary for node and wasm workers (default: the agent's own). */
  readonly nodePath?: string;
  /** Python interpreter (default /usr/bin/python3: Debian's libraries live there). */
  readonly pythonPath?: string;
  /** Java launcher (default: `java` on PATH). */
  readonly javaPath?: string;
  /** PATH used to find `java` (default: process.env.PATH). */
  readonly searchPath?: string;
}

export interface HarnessCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Working directory: the function folder. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Finds an executable on a PATH string; undefined when absent. */
export function findOnPath(name: string, searchPath: string): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves runtime binaries and harness files once, then answers per function. */
export class Toolchain {
  readonly repoRoot: string;
  readonly nodePath: string;
  readonly pythonPath: string;
  readonly javaPath: string | undefined;
  private readonly harnessDir: string;

  constructor(opts: ToolchainOptions) {
    this.repoRoot = resolve(opts.repoRoot);
    this.harnessDir = join(this.repoRoot, 'functions', '_harness');
    this.nodePath = opts.nodePath ?? process.execPath;
    this.pythonPath = opts.pythonPath ?? '/usr/bin/python3';
    this.javaPath = findOnPath(opts.javaPath ?? 'java', opts.searchPath ?? process.env.PATH ?? '/usr/bin:/bin');
  }

  /** Why this host cannot run `runtime` at all ('' when it can). */
  runtimeUnavailable(runtime: RuntimeKind): string {
    switch (runtime) {
      case 'node':
        if (!isExecutable(this.nodePath)) return `node not executable at ${this.nodePath}`;
        return this.missing(join(this.harnessDir, 'node', 'harness.mjs'));
      case 'wasm':
        if (!isExecutable(this.nodePath)) return `node not executable at ${this.nodePath}`;
        return this.missing(join(this.harnessDir, 'wasm', 'harness.mjs'));
      case 'python':
        if (!isExecutable(this.pythonPath)) return `python interpreter not executable at ${this.pythonPath}`;
        return this.missing(join(this.harnessDir, 'python', 'harness.py'));
      case 'java':
        if (this.javaPath === undefined) return 'java not found on PATH (install a JRE 17+)';
        return this.missing(join(this.harnessDir, 'java', 'build', 'IsawattHarness.class'), 'run functions/build.sh');
      case 'native':
        return '';
    }
  }

  /** Why this function cannot run here ('' when it can): toolchain, harness, built entry. */
  functionUnavailable(spec: FunctionSpec, dir: string): string {
    const rt = this.runtimeUnavailable(spec.runtime);
    if (rt !== '') return rt;
    switch (spec.runtime) {
      case 'node':
      case 'python':
      case 'wasm':
        return this.missing(join(dir, spec.entry), spec.runtime === 'wasm' ? 'run functions/build.sh' : '');
      case 'native': {
        const entry = join(dir, spec.entry);
        if (!isFile(entry)) return `entry ${entry} not built (run functions/build.sh)`;
        return isExecutable(entry) ? '' : `entry ${entry} is not executable`;
      }
      case 'java': {
        const classFile = join(dir, 'build', 'classes', ...spec.entry.split('.')) + '.class';
        const jarDir = join(dir, 'build', 'lib');
        if (!isFile(classFile) && !this.dirExists(jarDir)) return `class ${spec.entry} not built: no ${classFile} and no ${jarDir} (run functions/build.sh)`;
        for (const jar of spec.classpath) {
          const p = isAbsolute(jar) ? jar : join(dir, jar);
          if (!isFile(p)) return `classpath entry ${p} not found`;
        }
        return '';
      }
    }
  }

  /** The command line that starts one worker of this function (cwd: the function folder). */
  command(spec: FunctionSpec, dir: string): HarnessCommand {
    const env: Record<string, string> = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      // Unprivileged workers have no home; tools that want one get a scratch location.
      HOME: '/tmp',
      ISAWATT_FUNCTION: spec.name,
    };
    // Heaps sized under the memory limit, so the runtime fails cleanly before the cgroup kills it.
    const heapMb = Math.max(16, Math.floor(spec.memoryLimitMb * 0.75));
    switch (spec.runtime) {
      case 'node':
        return {
          command: this.nodePath,
          args: [`--max-old-space-size=${heapMb}`, join(this.harnessDir, 'node', 'harness.mjs'), dir, spec.entry],
          cwd: dir,
          env,
        };
      case 'wasm':
        return {
          command: this.nodePath,
          args: ['--no-warnings', `--max-old-space-size=${heapMb}`, join(this.harnessDir, 'wasm', 'harness.mjs'), dir, spec.entry],
          cwd: dir,
          env,
        };
      case 'python':
        return {
          command: this.pythonPath,
          args: [join(this.harnessDir, 'python', 'harness.py'), dir, spec.entry],
          cwd: dir,
          env: { ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
        };
      case 'java': {
        const cp = [join(this.harnessDir, 'java', 'build'), join(dir, 'build', 'classes'), join(dir, 'build', 'lib', '*')];
        for (const jar of spec.classpath) cp.push(isAbsolute(jar) ? jar : join(dir, jar));
        return {
          command: this.javaPath ?? 'java',
          // Serial GC and one active processor: the worker owns exactly one CPU. No perf data file
          // in /tmp (the worker may run as an unprivileged user).
          args: ['-XX:+UseSerialGC', '-XX:ActiveProcessorCount=1', '-XX:-UsePerfData', `-Xmx${heapMb}m`, '-cp', cp.join(':'), 'IsawattHarness', spec.entry],
          cwd: dir,
          env,
        };
      }
      case 'native':
        return { command: join(dir, spec.entry), args: [], cwd: dir, env };
    }
  }

  private missing(path: string, hint = ''): string {
    return isFile(path) ? '' : `${path} not found${hint ? ` (${hint})` : ''}`;
  }

  private dirExists(path: string): boolean {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  }
}
