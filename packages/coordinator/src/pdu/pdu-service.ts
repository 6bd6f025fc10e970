// The PDU store as a Service: loads the history at init, flushes it at shutdown. The ingest itself
// is fed by the MQTT bridge's subscription.
import type { Logger, Service } from '@isawatt/common';
import type { PduConfig } from './config.js';
import { PduIngest } from './ingest.js';
import { PduStore } from './store.js';

export class PduService implements Service {
  readonly name = 'pdu';
  readonly store: PduStore;
  readonly ingest: PduIngest;

  constructor(config: PduConfig, dir: string | undefined, log: Logger) {
    const l = log.child({ component: this.name });
    this.store = new PduStore({
      dir,
      maxPointsPerHost: config.maxPointsPerHost,
      retentionMs: config.retentionMs,
      flushIntervalMs: config.flushIntervalMs,
      staleAfterMs: config.staleAfterMs,
      log: l,
    });
    this.ingest = new PduIngest({ sources: config.sources, store: this.store, log: l });
  }

  async init(): Promise<void> {
    await this.store.init();
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    await this.store.close();
  }
}
