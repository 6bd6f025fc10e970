// `--mqtt embedded`: an aedes broker inside the coordinator, so the demo needs no system package.
// It listens on 127.0.0.1 by default (port from config; 0 picks a free one) and the bridge connects
// to it like to any other broker. Real deployments run Debian's mosquitto instead.
import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from '@isawatt/common';
import type { Service } from '@isawatt/common';
import { UnavailableError } from '@isawatt/common';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  log: Logger;
}

export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-embedded-broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    this.log = opts.log.child({ component: this.name });
  }

  async init(): Promise<void> {
    const broker = await Aedes.createBroker();
    this.broker = broker;
    const server = createServer((socket) => broker.handle(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new UnavailableError(`mqtt embedded broker ${this.opts.host}:${this.opts.port}`, `cannot listen: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.log.info({ url: this.url() }, 'embedded mqtt broker listening');
  }

  /** mqtt://host:port of the listening broker (valid after init). */
  url(): string {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('mqtt embedded broker: not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `mqtt://${host}:${addr.port}`;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    // Close the broker first: it disconnects its clients, so server.close() can complete.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
