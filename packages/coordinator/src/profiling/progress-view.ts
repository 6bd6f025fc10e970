// Campaign progress on the terminal: a cli-progress bar with ETA and the running bags when stderr
// is a TTY; otherwise one line per event (logs and pipes stay readable).
import { SingleBar } from 'cli-progress';
import type { CampaignProgress } from './campaign.js';

export interface ProgressViewOptions {
  readonly tty: boolean;
  readonly write: (text: string) => void;
  /** No output at all (--json). */
  readonly quiet: boolean;
}

export class ProgressView {
  private bar: SingleBar | undefined;
  private lastEvent = '';

  constructor(private readonly opts: ProgressViewOptions) {}

  update(p: CampaignProgress): void {
    if (this.opts.quiet) return;
    if (!this.opts.tty) {
      if (p.lastEvent !== this.lastEvent) this.opts.write(`isawatt profile: [${p.done}/${p.total}] ${p.lastEvent}\n`);
      this.lastEvent = p.lastEvent;
      return;
    }
    const payload = { running: p.running.join('; ').slice(0, 60), retries: p.retries };
    if (!this.bar) {
      this.bar = new SingleBar({
        format: 'profiling [{bar}] {value}/{total} bag runs | ETA {eta_formatted} | retries {retries} | {running}',
        etaBuffer: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
      });
      this.bar.start(p.total, p.done, payload);
    }
    this.bar.update(p.done, payload);
  }

  stop(): void {
    this.bar?.stop();
  }
}
