#!/usr/bin/env node
'use strict';
// isawatt launcher (coordinator daemon + cluster CLI). Three ways to run, fastest first:
//  1. the command's bundle, dist/bundle/isawatt-<command>.cjs (`npm run build`,
//     scripts/bundle-cli.mjs): one file holding the root program and that command, compiled with a
//     V8 code cache kept next to it, so a run neither resolves hundreds of modules nor recompiles
//     them (bench/plan-cli.ts); isawatt-help.cjs, the root program alone, when argv names no command;
//  2. tsc's dist/cli/entry.js (`npx tsc -b` alone);
//  3. the TypeScript sources through tsx with the "source" export condition, in a child process
//     (conditions cannot be set after start-up) that receives our signals and whose exit code
//     becomes ours: the development path.
// Each compiled form is used only while it is not older than the sources it was built from (and,
// for the bundle, while every package it inlined is still installed at the version it inlined),
// so an edit or an upgrade is never masked by a stale build. Works from any working directory.
// ISAWATT_FROM_SOURCE=1 forces the sources; ISAWATT_CODE_CACHE=off runs the bundle without its
// code cache, =write rewrites the cache after the run with what this run compiled added (the
// bundler warms it so).
// CommonJS, not an ES module: Node starts a CommonJS main file without its ES-module loader
// (~10 ms of every run, bench/plan-cli.ts). Everything here is on the path of every command:
// only fs and path are loaded up front.
const { readFileSync, readdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const pkgRoot = join(__dirname, '..', '/'); // ends in a separator (bundleIsCurrent)
const dist = join(pkgRoot, 'dist/cli/entry.js');
const src = join(pkgRoot, 'src/cli/entry.ts');
const fromSource = process.env.ISAWATT_FROM_SOURCE === '1';
const hasSources = statSync(join(pkgRoot, 'src'), { throwIfNoEntry: false }) !== undefined;

const mtimeMs = (p) => statSync(p, { throwIfNoEntry: false })?.mtimeMs;

/** Newest modification time of the .ts files under dir (a few hundred files: milliseconds). */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtimeMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, mtimeMs(p) ?? 0);
  }
  return newest;
}

/**
 * The bundles' manifest (scripts/bundle-cli.mjs): the CLI's command names, each bundle's source
 * files (inputs.<command>, inputs.help) and the inlined packages' versions.
 */
function readManifest() {
  try {
    const m = JSON.parse(readFileSync(join(pkgRoot, 'dist/bundle/manifest.json'), 'utf8'));
    const ok = Array.isArray(m.commands) && typeof m.inputs === 'object' && m.inputs !== null && !Array.isArray(m.inputs);
    return ok && typeof m.packages === 'object' && m.packages !== null ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Version of an installed package (its package.json), or undefined. */
function installedVersion(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * A command's bundle is current when no source file it was built from is newer or gone, and every
 * package the bundles inlined is installed at the version they inlined (npm gives installed files
 * a fixed modification time, so an upgrade shows only in the version; installUnchangedSince
 * answers that without reading them when nothing was installed since the build). A manifest from before
 * per-command bundles (inputs as one list) never matches: that build is stale.
 */
function bundleIsCurrent(manifest, command, file) {
  const built = mtimeMs(file);
  if (fromSource || built === undefined || manifest === undefined || !Array.isArray(manifest.inputs[command])) return false;
  if (!hasSources) return true; // an installed tree without sources: the bundle is all there is
  for (const rel of manifest.inputs[command]) {
    const t = mtimeMs(pkgRoot + rel); // pkgRoot ends in a separator; no path.join on the hot path
    if (t === undefined || t > built) return false;
  }
  if (installUnchangedSince(manifest.install, built)) return true;
  for (const [rel, version] of Object.entries(manifest.packages)) {
    if (installedVersion(pkgRoot + rel) !== version) return false;
  }
  return true;
}

/**
 * True when nothing was installed into node_modules since `built`, told by a few stats instead of
 * reading the package.json of each of the ~12 inlined packages (~1-2 ms of every run,
 * bench/plan-cli.ts). manifest.install (scripts/bundle-cli.mjs) names npm's hidden lockfile and
 * the directories holding the inlined packages. npm rewrites node_modules/.package-lock.json at
 * the end of every install, update or removal (arborist's reify saves it unconditionally), so a
 * lockfile older than the bundle means npm changed nothing since; a package directory added,
 * removed or replaced by anything else (another package manager, a copy) changes the mtime of the
 * directory holding it. Any doubt (no such file, something newer) returns false: the versions are
 * then read one by one.
 */
function installUnchangedSince(install, built) {
  if (typeof install !== 'object' || install === null || typeof install.lockfile !== 'string' || !Array.isArray(install.dirs)) return false;
  const lock = mtimeMs(pkgRoot + install.lockfile);
  if (lock === undefined || lock > built) return false;
  for (const rel of install.dirs) {
    const t = mtimeMs(pkgRoot + rel);
    if (t === undefined || t > built) return false;
  }
  return true;
}

// tsc -b rewrites dist/.tsbuildinfo on every build of the package but leaves unchanged outputs
// alone, so the build info (not entry.js) tells when dist was last brought up to date.
function distIsCurrent() {
  const built = mtimeMs(join(pkgRoot, 'dist/.tsbuildinfo'));
  if (fromSource || built === undefined || mtimeMs(dist) === undefined) return false;
  return !hasSources || built >= newestMtimeMs(join(pkgRoot, 'src'));
}

/** The subcommand asked for (as cli/index.ts reads it), which names its bundle; 'help' otherwise. */
function commandName(commands) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = args[0] === 'help' ? args[1] : args[0];
  return commands.includes(name) ? name : 'help';
}

/** How every bundle starts (scripts/bundle-cli.mjs writes it; the file ends in `\n})`). */
const BUNDLE_WRAPPER = '(function (exports, require, module, __filename, __dirname, __isawattImport) {';

/**
 * V8 rejects a code cache made under other V8 flags (its flag hash), and the sh launcher
 * (bin/isawatt) starts Node with flags of its own (--min-semi-space-size) that `node
 * bin/isawatt.cjs` does not: one cache for both would be rejected and rewritten by each in turn.
 * So each set of flags (Node's command line and NODE_OPTIONS) gets its own cache file: none,
 * `<bundle>.cache`; else `<bundle>.<hash of the flags>.cache`. FNV-1a, not node:crypto (loading
 * it costs milliseconds on every run).
 */
function cacheTag() {
  const flags = process.execArgv.join('\0') + (process.env.NODE_OPTIONS ? `\0${process.env.NODE_OPTIONS}` : '');
  if (flags === '') return '';
  let h = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) h = Math.imul(h ^ flags.charCodeAt(i), 0x01000193);
  return `.${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Runs a CommonJS bundle as Node would (same wrapper, require from the bundle's directory), but
 * compiled through vm.Script with V8's code cache (<bundle>.cache, cacheTag): the cache holds the bytecode
 * of every function a run of the command compiled, so they are not compiled again. V8 rejects a
 * cache that does not match the source, V8 version or flags; it is then rewritten after the run
 * (atomic rename; a read-only install just runs without it).
 */
function runBundle(file) {
  const { Script } = require('node:vm');
  const { createRequire } = require('node:module');
  const cacheFile = `${file}${cacheTag()}.cache`;
  const mode = process.env.ISAWATT_CODE_CACHE;
  let cachedData;
  if (mode !== 'off') {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // __isawattImport: the bundle's import() calls (scripts/bundle-cli.mjs renames them), made from
  // here. V8 gives functions restored from a code cache no dynamic-import callback ("A dynamic
  // import callback was not specified": MiniZinc, an ES module, failed to load from the bundle).
  // latin1: the build makes the bundle pure ASCII, and Node decodes latin1 ~30x faster than UTF-8.
  // The build writes the function wrapper (BUNDLE_WRAPPER) into the file, so the text read is the
  // script: no second copy of a few hundred KiB on the young heap (a scavenge, bench/plan-cli.ts).
  // A bundle without it (built before) is wrapped here.
  const text = readFileSync(file, 'latin1');
  const script = new Script(text.startsWith(BUNDLE_WRAPPER) ? text : `${BUNDLE_WRAPPER}${text}\n})`, {
    filename: file,
    cachedData,
    // import() of an ES-module-only package (MiniZinc) from the bundle: Node's own loader.
  });
  if (mode === 'write' || (mode !== 'off' && (cachedData === undefined || script.cachedDataRejected))) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // Read-only install or a full disk: the next run compiles again, nothing else is lost.
      }
    });
  }
  const module = { exports: {} };
  const bundleDir = join(pkgRoot, 'dist/bundle');
  // Bare names resolve from here as from the bundle (same node_modules above both); relative ones from the bundle.
  const importFromBundle = (spec) => import(spec.startsWith('.') ? require('node:url').pathToFileURL(join(bundleDir, spec)).href : spec);
  script.runInThisContext()(module.exports, createRequire(file), module, file, bundleDir, importFromBundle);
}

const manifest = readManifest();
// No command (`isawatt`, `--help`, `--version`, a typo): the root program's own small bundle.
const command = manifest === undefined ? 'help' : commandName(manifest.commands);
const bundle = join(pkgRoot, `dist/bundle/isawatt-${command}.cjs`);
if (bundleIsCurrent(manifest, command, bundle)) {
  runBundle(bundle);
} else if (distIsCurrent()) {
  import(require('node:url').pathToFileURL(dist).href).catch(fail);
} else {
  // Resolved from this file, so the launcher works whatever the current directory is (tsx
  // exports one file, its ES-module loader, for every condition).
  const tsx = require('node:url').pathToFileURL(require.resolve('tsx')).href;
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, src, ...process.argv.slice(2)], { stdio: 'inherit' });
  // The child is in our process group, so a terminal's Ctrl-C reaches it directly; forward
  // signals sent to us alone (kill PID, systemd) and wait for its exit code.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => child.kill(sig));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1);
  });
}

/** An entry that failed to load (a top-level await rejecting), as Node would report it. */
function fail(err) {
  process.exitCode = 1;
  console.error(err);
}
