// Which identity workers run as: a configured user (name or uid[:gid]), or by default `nobody`
// when the agent runs as root (functions never get the agent's privileges), or the agent's own
// identity when it is not root (it cannot switch anyway).
import { readFileSync } from 'node:fs';
import { ValidationError } from '@isawatt/common';
import type { RunAs } from './catalogue.js';

/** Looks a user up in a passwd file: `name` or `uid` or `uid:gid`. */
export function resolveRunAs(spec: string | undefined, passwdPath = '/etc/passwd', isRoot = process.getuid?.() === 0): RunAs | undefined {
  if (spec === undefined || spec === '') {
    if (!isRoot) return undefined;
    spec = 'nobody';
  }
  if (spec === 'self') return undefined;
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric) {
    const uid = Number(numeric[1]);
    return { uid, gid: numeric[2] !== undefined ? Number(numeric[2]) : uid };
  }
  let text: string;
  try {
    text = readFileSync(passwdPath, 'utf8');
  } catch (err) {
    throw new ValidationError(passwdPath, `cannot read to look up user "${spec}": ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === spec && f[2] !== undefined && f[3] !== undefined && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3])) {
      return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  throw new ValidationError('runAs', `no user "${spec}" in ${passwdPath} (expected a user name, "uid", "uid:gid" or "self")`);
}
