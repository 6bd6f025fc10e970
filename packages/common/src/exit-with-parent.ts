// Opt-in "exit with my parent" for processes the demo and the tests start. Node has no
// PR_SET_PDEATHSIG, so the parent hands the child a pipe on stdin and never writes to it: when the
// parent dies, however it dies (SIGKILL included), the kernel closes the pipe's write end, the child
// reads EOF and stops as if it got SIGTERM (a daemon's graceful stop: an agent stops its workers and
// removes its cgroups). systemd units never set the variable, so a deployed daemon ignores stdin.
import { fstatSync } from 'node:fs';
import { ConfigError } from './errors.js';
import { EXIT } from './exit-codes.js';

/** Set to 1 by a parent that passes a pipe on stdin and wants the child gone when it is; 0 or empty: not. */
export const EXIT_WITH_PARENT_ENV = 'ISAWATT_EXIT_WITH_PARENT';

/** What a parent adds to a child's environment; spawn it with stdio[0] = 'pipe' and keep that open. */
export const exitWithParentEnv: Readonly<Record<string, string>> = Object.freeze({ [EXIT_WITH_PARENT_ENV]: '1' });

/**
 * The variable's meaning: 1 watches, 0 or empty (`VAR=` in a shell) does not. Anything else is a
 * mistake (a parent meaning "yes" or "true") that would silently leave the child running after its
 * parent, so it is refused.
 */
function parseExitWithParent(value: string): boolean {
  if (value === '1') return true;
  if (value === '0' || value === '') return false;
  throw new ConfigError(
    [`${EXIT_WITH_PARENT_ENV} must be 1 (stop when the parent's stdin pipe closes), 0 or empty (do not); got ${JSON.stringify(value)}`],
    'environment',
  );
}

/**
 * When ISAWATT_EXIT_WITH_PARENT=1 and stdin is a pipe or socket, calls `onParentGone` (default:
 * send this process SIGTERM) once stdin ends or fails. The variable is removed from process.env first, so this process's own
 * children (function workers, CLI steps) do not inherit a request meant for it. Stdin that is a
 * terminal or /dev/null is left alone: only a pipe can say the parent is gone. Returns whether it is
 * watching. Throws ConfigError when the variable is set to anything but 1, 0 or empty (it is removed
 * first all the same).
 */
export function exitWithParent(onParentGone: () => void = () => process.kill(process.pid, 'SIGTERM'), env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[EXIT_WITH_PARENT_ENV];
  if (value === undefined) return false;
  delete env[EXIT_WITH_PARENT_ENV];
  const wanted = parseExitWithParent(value);
  if (!wanted) return false;
  let isPipe: boolean;
  try {
    const st = fstatSync(0);
    isPipe = st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
  if (!isPipe) return false;
  const stdin = process.stdin;
  let gone = false;
  const onGone = (): void => {
    if (gone) return;
    gone = true;
    onParentGone();
  };
  stdin.once('end', onGone);
  stdin.once('close', onGone);
  stdin.once('error', onGone);
  // Anything written is discarded; reading is what lets the EOF be seen.
  stdin.on('data', () => undefined);
  stdin.resume();
  // The watch must not keep a finished command alive.
  (stdin as unknown as { unref?: () => void }).unref?.();
  return true;
}

/**
 * exitWithParent for a program's entry: a bad ISAWATT_EXIT_WITH_PARENT is reported as one line
 * (`<program>: invalid environment: ...`) and the process exits with EXIT.BAD_INPUT before it starts
 * anything, as for a bad flag.
 */
export function exitWithParentOrQuit(program: string, onParentGone?: () => void): boolean {
  try {
    return exitWithParent(onParentGone);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${program}: ${err.message}\n`);
    process.exit(EXIT.BAD_INPUT);
  }
}
