#!/usr/bin/env node
// isawatt-agent launcher. Runs the compiled agent (dist/main.js) when `npm run build` made it and
// it is not older than the sources (the agent's and @isawatt/common's); otherwise runs the
// TypeScript sources through tsx with the "source" export condition, in a child process
// (conditions cannot be set after start-up) that receives our signals and whose exit code becomes
// ours. Works from any working directory. ISAWATT_FROM_SOURCE=1 forces the sources.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const commonRoot = join(pkgRoot, '../common');
const dist = join(pkgRoot, 'dist/main.js');
const src = join(pkgRoot, 'src/main.ts');

/** Newest modification time of the .ts files under dir. */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtimeMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** tsc -b rewrites dist/.tsbuildinfo on every build but leaves unchanged outputs alone. */
function builtAfterSources(root) {
  const info = join(root, 'dist/.tsbuildinfo');
  return existsSync(info) && statSync(info).mtimeMs >= newestMtimeMs(join(root, 'src'));
}

function distIsCurrent() {
  if (process.env.ISAWATT_FROM_SOURCE === '1' || !existsSync(dist)) return false;
  return builtAfterSources(pkgRoot) && (!existsSync(join(commonRoot, 'src')) || builtAfterSources(commonRoot));
}

if (distIsCurrent()) {
  const { start } = await import(pathToFileURL(dist).href);
  await start(process.argv);
} else {
  // Resolved from this file, so the launcher works whatever the current directory is.
  const tsx = import.meta.resolve('tsx');
  // Own process group: a terminal's Ctrl-C reaches only us, and we forward it once (the agent
  // treats a second SIGINT as "force"). The IPC channel tells the agent when we are gone (even by
  // SIGKILL), so it never outlives its launcher.
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, src, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => child.kill(sig));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1) : 1);
  });
}
