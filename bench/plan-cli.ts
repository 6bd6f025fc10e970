// End-to-end cost of the `isawatt` CLI process, as a user runs it: wall time, CPU time and peak RSS
// of `isawatt --help`, and of `isawatt plan` on the seed's instance (22 functions × 2 hosts, the
// example files) and on a large one (1,000 functions × 100 hosts, JSON files written here: every
// host its own type, so the models file holds 100 × 1,000 figures, ~7.8 MB). Runs the `isawatt` bin
// (packages/coordinator/bin/isawatt, a sh launcher: --help/--version from the text the build saved,
// else `node --min-semi-space-size=2 bin/isawatt.cjs`: a 2 MiB young generation, so the 22 × 2 plan
// runs without a scavenge), which runs the command's bundle with its code cache (one per set of
// Node flags) when `npm run build` made it, else tsc's dist/, else the sources through tsx (the
// mode is printed). The same commands through `node bin/isawatt.cjs` directly (no flag: two
// scavenges in the 22 × 2 plan) show what the sh launcher adds or saves. The sh launcher also
// starts `plan --hosts FILE` without NODE_EXTRA_CA_CERTS (Node 20 parses that file at every start;
// the command opens no connection): where the environment sets it, `node -e 0` is measured both
// ways, and those plans are compared with the floor without it.
// Baselines in the same run: Node's own start (`node -e 0`, the floor no Node CLI can go below;
// every row also says how far above it it is, so the figures carry to another machine) and, when
// dist/ is built, the same commands from tsc's dist/ (what the launcher ran before the bundle).
// Also Node's start from an empty user-land startup snapshot (`node --snapshot-blob`, built here):
// the least any snapshot-based launcher could cost (Node 20 deserialises a user blob without the
// code cache and read-only heap of its built-in one), and the 22 × 2 plan from a snapshot of the
// plan bundle taken after its top level ran and the plan command, its zod schemas and commander
// program were built (planSnapshotEntry): what a snapshot-based launcher would save. Measured on
// Node 20 (2026-12-06, same runs, median above `node -e 0`): the empty snapshot alone +28 ms wall
// (load 1.7); the plan from its snapshot +90 ms against +72 ms for the bundle with its code cache
// (load 1.7, 5.6 MiB blob), and +110 ms against +80 ms CPU after the move to zod/mini (load 5-9,
// 4.8 MiB): the blob is deserialised without the functions' bytecode, which is compiled again,
// so the launcher does not use snapshots.
// Every row: median and 90th percentile of --runs runs (default 21).
// Prints figures, asserts nothing. Peak RSS comes from GNU time (`/usr/bin/time -f %M`: the largest
// process of the tree). The load average is printed before and after: the machine may be shared.
//   node --conditions=source --import tsx bench/plan-cli.ts [--runs 21] [--sizes 22x2,1000x100] [--write-instance DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badInput, numberOption, parseBenchArgs, sizesOption } from './lib/options.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/coordinator/bin/isawatt');
const launcher = join(root, 'packages/coordinator/bin/isawatt.cjs');
const url = import.meta.url;
const values = parseBenchArgs(url, {
  runs: { type: 'string', default: '21', description: 'runs per command (median and p90 over them)' },
  sizes: { type: 'string', default: '22x2,1000x100', description: 'plans to time: 22x2 (the example files) and/or 1000x100 (generated)' },
  'write-instance': { type: 'string', description: 'only write the 1000x100 instance into this directory and exit' },
});
const runs = numberOption(url, 'runs', values.runs, { integer: true, min: 1 });
const sizes = sizesOption(url, 'sizes', values.sizes);
const unsupported = sizes.find(([n, m]) => !((n === 22 && m === 2) || (n === 1000 && m === 100)));
if (unsupported) badInput(url, `--sizes: expected 22x2 and/or 1000x100, got ${unsupported.join('x')}`);
const GNU_TIME = '/usr/bin/time';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes hosts/models/workload JSON for n functions on m hosts (each host its own type); returns the paths. */
function writeLargeInstance(dir: string, n: number, m: number): { hosts: string; models: string; workload: string } {
  const r = rng(n * 7919 + m);
  const hostTypes: Record<string, unknown> = {};
  const hosts: unknown[] = [];
  const categories: Record<string, string> = {};
  const cats = ['web', 'media', 'scientific', 'crypto'];
  for (let j = 0; j < n; j++) categories[`fn-${j}`] = cats[j % cats.length] as string;
  let totalCores = 0;
  for (let i = 0; i < m; i++) {
    const x86 = i % 2 === 0;
    const type = `${x86 ? 'xeon' : 'altra'}-t${i}`;
    const cores = x86 ? 46 : 126;
    totalCores += cores;
    const functions: Record<string, unknown> = {};
    for (let j = 0; j < n; j++) {
      const e = (x86 ? 400 : 250) * (0.05 + 2 * r());
      const w = ((x86 ? 4.5 : 1.6) / e) * (0.8 + 0.4 * r());
      functions[`fn-${j}`] = { execPerSecPerCore: Number(e.toFixed(3)), energyPerExecJ: Number(w.toPrecision(5)), samples: 40 };
    }
    hostTypes[type] = { arch: x86 ? 'x86_64' : 'aarch64', idlePowerW: x86 ? 95 : 70, functions };
    hosts.push({ id: `${type}-host`, type, arch: x86 ? 'x86_64' : 'aarch64', cores, idlePowerW: x86 ? 95 : 70 });
  }
  // Rates: 70 % of the cluster's cores busy at the mean throughput.
  const functions = Array.from({ length: n }, (_, j) => ({ name: `fn-${j}`, rate: Number(((0.7 * totalCores * 300 * (0.5 + r())) / n).toFixed(2)) }));
  const paths = { hosts: join(dir, 'hosts.json'), models: join(dir, 'models.json'), workload: join(dir, 'workload.json') };
  writeFileSync(paths.hosts, JSON.stringify({ hosts }, null, 1));
  writeFileSync(paths.models, JSON.stringify({ source: 'synthetic (bench/plan-cli.ts)', hostTypes, categories }));
  writeFileSync(paths.workload, JSON.stringify({ functions }, null, 1));
  return paths;
}

interface Run {
  wallMs: number;
  /** User + system CPU time of the process tree (GNU time): less sensitive to a loaded machine than wall. */
  cpuMs: number | undefined;
  rssMb: number | undefined;
  code: number;
  stdout: string;
}

/**
 * Runs the `isawatt` bin with args (script 'bin', the default), or `node <script> args`; script
 * 'floor': `node -e 0`; 'floor-no-extra-ca': `node -e 0` without NODE_EXTRA_CA_CERTS in its
 * environment; 'snapshot:FILE': `node --snapshot-blob FILE args` (a user-land snapshot).
 */
function runOnce(args: string[], script: string = 'bin'): Run {
  const hasTime = existsSync(GNU_TIME);
  const command =
    script === 'bin'
      ? [bin, ...args]
      : [
          process.execPath,
          ...(script === 'floor' || script === 'floor-no-extra-ca'
            ? ['-e', '0']
            : script.startsWith('snapshot:')
              ? ['--snapshot-blob', script.slice('snapshot:'.length), ...args]
              : [script, ...args]),
        ];
  const cmd = hasTime ? GNU_TIME : (command[0] as string);
  const argv = hasTime ? ['-f', '@@rss %M %U %S', ...command] : command.slice(1);
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  if (script === 'floor-no-extra-ca') delete env.NODE_EXTRA_CA_CERTS;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 << 20, env });
  const wallMs = performance.now() - t0;
  const m = /@@rss (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    wallMs,
    cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : undefined,
    rssMb: m ? Number(m[1]) / 1024 : undefined,
    code: r.status ?? 1,
    stdout: r.stdout,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
/** 90th percentile (nearest rank). */
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.9 * xs.length) - 1)] as number;

type Floor = { wallMs: number; cpuMs: number | undefined };
let floor: Floor | undefined;
/** `node -e 0` without NODE_EXTRA_CA_CERTS, when this environment sets it (else the same as floor). */
let floorNoExtraCa: Floor | undefined;
/**
 * Whether the Node process of a row starts without NODE_EXTRA_CA_CERTS: the sh launcher drops it
 * for `plan --hosts FILE` (bin/isawatt: that command opens no connection, and Node 20 parses the
 * file at every start). Its "above floor" is then measured from the floor without it too.
 */
const startsWithoutExtraCa = (args: string[], script: string): boolean =>
  script === 'floor-no-extra-ca' || (script === 'bin' && args[0] === 'plan' && args.includes('--hosts'));

/**
 * A snapshot builder entry holding the plan bundle: its top level runs, then the plan command is
 * loaded into a program (module inits, zod schemas, commander options) before the snapshot is
 * taken; the deserialised main runs the CLI on the argv given then (argv[1] is a placeholder, as
 * a script's path would be). One edit makes the bundle snapshot-safe: it no longer starts the CLI
 * itself (stdout is looked at only when written or asked about). Undefined when the bundle does
 * not have the text this edit expects.
 */
function planSnapshotEntry(bundle: string): string | undefined {
  const raw = readFileSync(bundle, 'latin1');
  // The module wrapper the build writes into the file (scripts/bundle-cli.mjs BUNDLE_WRAPPER).
  const wrapper = '(function (exports, require, module, __filename, __dirname, __isawattImport) {';
  const text = raw.startsWith(wrapper) ? raw.slice(wrapper.length, raw.lastIndexOf('\n})')) : raw;
  // The bundle's last statement starts the CLI (`void main();`, `main();` once minified).
  const start = /(?:void )?main\(\);?\s*$/;
  if (!start.test(text)) return undefined;
  const body = text.replace(start, '\nreturn { main, buildProgram };');
  return [
    `const { main, buildProgram } = (function (__filename, __dirname, __isawattImport) {${body}\n})(${JSON.stringify(bundle)}, ${JSON.stringify(join(bundle, '..'))}, (s) => import(s));`,
    'const io = { stdout() {}, stderr() {}, env: {}, stdoutIsTty: false };',
    "buildProgram({ io, setExitCode() {} }, 'plan').then(() => require('node:v8').startupSnapshot.setDeserializeMainFunction(() => void main(process.argv)));",
  ].join('\n');
}

function measure(label: string, args: string[], describe: (stdout: string) => string, script: string = 'bin'): void {
  runOnce(args, script); // warm the page cache (and tsx's transform cache)
  const rs = Array.from({ length: runs }, () => runOnce(args, script));
  const bad = rs.find((x) => x.code !== 0);
  const wall = median(rs.map((x) => x.wallMs));
  const wall90 = p90(rs.map((x) => x.wallMs));
  const rss = rs.every((x) => x.rssMb !== undefined) ? median(rs.map((x) => x.rssMb as number)) : undefined;
  const cpus = rs.every((x) => x.cpuMs !== undefined) ? rs.map((x) => x.cpuMs as number) : undefined;
  const cpu = cpus && median(cpus);
  const what = bad ? `exit ${bad.code}` : describe(rs[0]?.stdout ?? '');
  if (script === 'floor') floor = { wallMs: wall, cpuMs: cpu };
  if (script === 'floor-no-extra-ca') floorNoExtraCa = { wallMs: wall, cpuMs: cpu };
  const signed = (ms: number): string => `${ms < 0 ? '−' : '+'}${Math.abs(Math.round(ms))} ms`;
  const base = startsWithoutExtraCa(args, script) ? (floorNoExtraCa ?? floor) : floor;
  const above =
    script === 'floor' || script === 'floor-no-extra-ca' || !base
      ? '–'
      : `${signed(wall - base.wallMs)}${cpu !== undefined && base.cpuMs !== undefined ? ` / ${signed(cpu - base.cpuMs)}` : ''}`;
  console.log(
    `| ${label} | ${(wall / 1000).toFixed(3)} s | ${(wall90 / 1000).toFixed(3)} s | ${cpu === undefined ? 'n/a' : `${(cpu / 1000).toFixed(2)} s`} | ${cpus ? `${(p90(cpus) / 1000).toFixed(2)} s` : 'n/a'} | ${above} | ${rss === undefined ? 'n/a (no /usr/bin/time)' : `${rss.toFixed(0)} MB`} | ${what} |`,
  );
}

function planSummary(stdout: string): string {
  try {
    const p = JSON.parse(stdout) as { status?: string; gapPct?: number; solver?: string; provenBy?: string };
    // Who produced the plan and, when optimal, what proved it (the lower bound needs no solver run).
    const how = `${p.solver ? ` (${p.solver}` : ' ('}${p.provenBy ? `, proven by ${p.provenBy}` : ''})`;
    return `${p.status ?? '?'}${p.gapPct !== undefined ? `, gap ${p.gapPct.toFixed(2)} %` : ''}${how}`;
  } catch {
    return 'output not JSON';
  }
}

// --write-instance DIR: only write the 1,000 × 100 files there (for profiling by hand), then stop.
if (values['write-instance'] !== undefined) {
  console.log(writeLargeInstance(values['write-instance'], 1000, 100));
  process.exit(0);
}

// The launcher's own rule (bin/isawatt.cjs): the bundle when no source it was built from is newer
// and its inlined packages are installed at the versions it inlined;
// else dist/ when its build info is newer than every source; else tsx.
function newestTsMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTsMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
const pkg = join(root, 'packages/coordinator');
const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : NaN);
const fromSource = process.env.ISAWATT_FROM_SOURCE === '1';
const manifestFile = join(pkg, 'dist/bundle/manifest.json');
const manifest = existsSync(manifestFile)
  ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { inputs: Record<string, string[]>; packages?: Record<string, string> })
  : undefined;
const versionOf = (rel: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(join(pkg, rel), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
};
const usesBundle =
  !fromSource &&
  manifest !== undefined &&
  manifest.packages !== undefined &&
  !Array.isArray(manifest.inputs) &&
  ['help', 'plan'].every((c) => (manifest.inputs[c] ?? ['-']).every((rel) => mtime(join(pkg, rel)) <= mtime(join(pkg, `dist/bundle/isawatt-${c}.cjs`)))) &&
  Object.entries(manifest.packages).every(([rel, version]) => versionOf(rel) === version);
const distEntry = join(pkg, 'dist/cli/entry.js');
const distCurrent = existsSync(distEntry) && mtime(join(pkg, 'dist/.tsbuildinfo')) >= newestTsMs(join(pkg, 'src'));
const usesDist = !fromSource && !usesBundle && distCurrent;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `# isawatt CLI process: median of ${runs} runs; the launcher runs ${
    usesBundle
      ? "the command's bundle with its code cache (npm run build)"
      : usesDist
        ? "tsc's dist/ (no current bundle: npm run build makes it)"
        : 'the TypeScript sources through tsx (dist/ and the bundle absent or older than src/)'
  }`,
);
console.log(`# load average at start: ${load()} (${cpus().length} CPUs)`);
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
console.log(
  `# "above floor": wall / CPU time beyond \`node -e 0\` measured in this run${
    extraCa === undefined ? '' : ' (for `plan --hosts`, which the sh launcher starts without NODE_EXTRA_CA_CERTS: beyond `node -e 0` without it)'
  }`,
);
if (extraCa !== undefined) console.log(`# this environment sets NODE_EXTRA_CA_CERTS=${extraCa}: Node 20 parses that file at every start`);
console.log('# wall and CPU: median, then 90th percentile; "above floor" compares medians');
console.log('| command | wall | wall p90 | CPU (user+sys) | CPU p90 | above floor (wall / CPU) | peak RSS | result |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
measure('baseline: `node -e 0` (Node start alone)', [], () => 'the floor of any Node CLI run', 'floor');
if (extraCa !== undefined) {
  measure('baseline: `node -e 0` without NODE_EXTRA_CA_CERTS', [], () => 'the floor of `plan --hosts` (bin/isawatt drops it)', 'floor-no-extra-ca');
}
const dir = mkdtempSync(join(tmpdir(), 'isawatt-bench-plan-'));
const snapshotEntry = join(dir, 'empty-snapshot.cjs');
writeFileSync(snapshotEntry, "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {});\n");
const emptySnapshotBlob = join(dir, 'empty.blob');
if (
  spawnSync(process.execPath, ['--snapshot-blob', emptySnapshotBlob, '--build-snapshot', snapshotEntry], { env: { ...process.env, NODE_OPTIONS: '' } })
    .status === 0
) {
  measure(
    'baseline: `node --snapshot-blob` of an empty user-land snapshot',
    [],
    () => 'the floor of a snapshot-based launcher',
    `snapshot:${emptySnapshotBlob}`,
  );
}
const helpSaved = existsSync(join(pkg, 'dist/bundle/help.txt'));
measure(`isawatt --help${helpSaved ? ' (sh launcher: the saved text)' : ''}`, ['--help'], () => 'help printed');
measure('baseline: isawatt --help through `node bin/isawatt.cjs` (no sh launcher)', ['--help'], () => 'help printed', launcher);
// Before the bundle: the same commands from tsc's dist/ (the launcher's second choice).
const compareDist = usesBundle && distCurrent;
if (compareDist) measure('baseline: isawatt --help from dist/ (tsc, no bundle)', ['--help'], () => 'help printed', distEntry);
try {
  for (const [n, m] of sizes) {
    if (n === 22 && m === 2) {
      const ex = (f: string): string => join(root, 'examples', f);
      const args = [
        'plan',
        '--hosts',
        ex('hosts.yaml'),
        '--models',
        ex('models.yaml'),
        '--workload',
        ex('workload-general.yaml'),
        '--policy',
        'energy-aware',
        '--json',
      ];
      measure('plan 22×2 energy-aware (examples/*.yaml)', args, planSummary);
      measure('baseline: plan 22×2 through `node bin/isawatt.cjs` (no sh launcher)', args, planSummary, launcher);
      const entry = usesBundle ? planSnapshotEntry(join(pkg, 'dist/bundle/isawatt-plan.cjs')) : undefined;
      if (entry !== undefined) {
        const entryFile = join(dir, 'plan-snapshot.cjs');
        const blob = join(dir, 'plan.blob');
        writeFileSync(entryFile, entry);
        const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entryFile], {
          encoding: 'utf8',
          env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1' },
        });
        if (built.status === 0) {
          const mib = (statSync(blob).size / 2 ** 20).toFixed(1);
          measure(`baseline: plan 22×2 from a startup snapshot of the plan bundle (${mib} MiB blob)`, ['isawatt', ...args], planSummary, `snapshot:${blob}`);
        } else console.log(`# plan snapshot not built (exit ${built.status}): ${built.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
      }
      if (compareDist) measure('baseline: plan 22×2 from dist/ (tsc, no bundle)', args, planSummary, distEntry);
      continue;
    }
    const p = writeLargeInstance(dir, n, m);
    const mb = (statSync(p.models).size / 1e6).toFixed(1);
    const args = ['plan', '--hosts', p.hosts, '--models', p.models, '--workload', p.workload, '--policy', 'energy-aware', '--json'];
    // No dist/ baseline here: at this size the start is a small part of the run.
    measure(`plan ${n}×${m} energy-aware (JSON, models ${mb} MB)`, args, planSummary);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`# load average at end: ${load()}`);
