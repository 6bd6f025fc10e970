// The coordinator's gRPC server as a Service: binds AgentLink and Control on one address with the
// configured credentials (plaintext, TLS, or mutual TLS), and stops gracefully: tryShutdown lets
// open calls finish, forceShutdown cuts them after `drainMs`.
import * as grpc from '@grpc/grpc-js';
import { format } from 'node:util';
import { loadProtos, serverCredentials, type Logger, type Service, type TlsFiles } from '@isawatt/common';
import type { AgentLinkService } from './agent-link-service.js';
import type { ControlService } from './control-service.js';

/**
 * Sends grpc-js's own log lines (errors only) into our logger instead of stderr. grpc-js keeps
 * one process-wide logger, so only the daemon's main wiring calls this.
 */
export function routeGrpcLogs(log: Logger): void {
  const l = log.child({ component: 'grpc-js' });
  grpc.setLogger({
    error: (...args: unknown[]) => l.error({ detail: format(...args) }, 'grpc-js'),
    info: (...args: unknown[]) => l.info({ detail: format(...args) }, 'grpc-js'),
    debug: (...args: unknown[]) => l.debug({ detail: format(...args) }, 'grpc-js'),
  });
  grpc.setLogVerbosity(grpc.logVerbosity.ERROR);
}

export interface GrpcServerOptions {
  listen: string;
  tls: TlsFiles;
  agentLink: AgentLinkService;
  control: ControlService;
  /** How long open calls may take to finish at shutdown, in ms. */
  drainMs?: number;
  log: Logger;
}

export class GrpcServer implements Service {
  readonly name = 'grpc-server';
  private readonly server: grpc.Server;
  private readonly log: Logger;
  private boundPort = 0;

  constructor(private readonly opts: GrpcServerOptions) {
    this.log = opts.log.child({ component: this.name });
    // Agents send reports up to a few MB (200 functions x 1 s is ~30 KB; replayed buffers batch).
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024, 'grpc.keepalive_permit_without_calls': 1 });
    const protos = loadProtos().isawatt.v1;
    this.server.addService(protos.AgentLink.service, opts.agentLink.handlers());
    this.server.addService(protos.Control.service, opts.control.handlers());
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  async init(): Promise<void> {
    const creds = serverCredentials(this.opts.tls);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(this.opts.listen, creds, (err, port) => {
        if (err) reject(new Error(`${this.opts.listen}: cannot listen: ${err.message}`, { cause: err }));
        else resolve(port);
      });
    });
    const mode = this.opts.tls.certFile ? (this.opts.tls.caFile ? 'mtls' : 'tls') : 'plaintext';
    this.log.info({ listen: this.opts.listen, port: this.boundPort, transport: mode }, 'listening');
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    this.opts.control.endWatchers();
    const drainMs = this.opts.drainMs ?? 3000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({ drainMs }, 'open calls did not finish; forcing shutdown');
        this.server.forceShutdown();
        resolve();
      }, drainMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.log.info('gRPC server stopped');
  }
}
