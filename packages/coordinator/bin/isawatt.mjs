#!/usr/bin/env node
// isawatt launcher (coordinator daemon + cluster CLI). Runs the compiled CLI (dist/cli/entry.js)
// when it is built and not older than the sources; otherwise runs the TypeScript sources through
// tsx with the "source" export condition, in a child process (conditions cannot be set after
// start-up) that receives our signals and whose exit code becomes ours. Works from any working
// directory. ISAWATT_FROM_SOURCE=1 forces the sources.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const dist = join(pkgRoot, 'dist/cli/entry.js');
const src = join(pkgRoot, 'src/cli/entry.ts');

/** Newest modification time of the .ts files under dir (a few hundred files: milliseconds). */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtimeMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

// tsc -b rewrites dist/.tsbuildinfo on every build of the package but leaves unchanged outputs
// alone, so the build info (not entry.js) tells when dist was last brought up to date.
const buildInfo = join(pkgRoot, 'dist/.tsbuildinfo');

function distIsCurrent() {
  if (process.env.ISAWATT_FROM_SOURCE === '1' || !existsSync(dist) || !existsSync(buildInfo)) return false;
  return statSync(buildInfo).mtimeMs >= newestMtimeMs(join(pkgRoot, 'src'));
}

if (distIsCurrent()) {
  await import(pathToFileURL(dist).href);
} else {
  // Resolved from this file, so the launcher works whatever the current directory is.
  const tsx = import.meta.resolve('tsx');
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
