// A file in the state directory that cannot be used. The coordinator stops with exit code 2 (bad
// input: the systemd unit does not restart it in a loop) and one message naming the file, what is
// wrong with it and what to do; `isawatt coordinator --repair-state` moves such files aside.
import { EXIT, ExitError } from '@isawatt/common';

export class StateFileError extends ExitError {
  readonly kind = 'state-file';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      EXIT.BAD_INPUT,
      `state file ${path}: ${problem}; fix or remove it, or run \`isawatt coordinator --repair-state\` (same --state-dir/--config) to move unreadable files to <stateDir>/quarantine/ and start without them`,
    );
  }
}

/** File mode of every file the coordinator writes in its state directory (and 0700 for directories). */
export const STATE_FILE_MODE = 0o600;
export const STATE_DIR_MODE = 0o700;
