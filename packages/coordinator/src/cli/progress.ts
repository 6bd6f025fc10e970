// Progress bars with ETA for long commands (run, experiment), on stderr and only on a terminal:
// piped or --json output stays clean. cli-progress does the drawing and the ETA.
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, label: string): void;
  stop(): void;
}

const none: Progress = { update: () => undefined, stop: () => undefined };

/** A bar from 0 to total (in the caller's unit, e.g. seconds of experiment), or nothing off a TTY. */
export function progressBar(total: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return none;
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | ETA {eta_formatted} | {label}',
      stream: process.stderr,
      etaBuffer: 50,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, Math.round(total)), 0, { label: '' });
  return {
    update: (value, label) => bar.update(Math.min(Math.round(value), Math.max(1, Math.round(total))), { label }),
    stop: () => bar.stop(),
  };
}
