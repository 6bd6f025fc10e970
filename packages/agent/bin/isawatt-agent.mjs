#!/usr/bin/env node
// isawatt-agent launcher. Runs the compiled agent (dist/main.js) when it has been built with
// `npm run build`; otherwise runs the TypeScript sources through tsx with the "source" export
// condition, in a child process (conditions cannot be set after start-up) that receives our
// signals and whose exit code becomes ours. Works from any working directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgRoot = new URL('..', import.meta.url);
const dist = fileURLToPath(new URL('dist/main.js', pkgRoot));
const src = fileURLToPath(new URL('src/main.ts', pkgRoot));

if (existsSync(dist) && process.env.ISAWATT_FROM_SOURCE !== '1') {
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
