// The coordinator's gRPC servers as one Service. Two listeners, each with its own rule for who the
// caller is (auth.ts, docs/security.md):
//   - `listen` (TCP): AgentLink, Control and grpc.health.v1.Health; callers authenticate with
//     client certificates (mutual TLS), or nobody does (--insecure, demo and tests);
//   - the Control socket (Unix): Control and grpc.health.v1.Health for the local CLI; its file
//     mode and group decide who may operate.
// Every handler is wrapped by guardService, so no call reaches a service without its role.
// Messages above MAX_MESSAGE_BYTES are refused by grpc-js with RESOURCE_EXHAUSTED before decoding.
// Shutdown is graceful: tryShutdown lets open calls finish, forceShutdown cuts them after `drainMs`.
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { chmod, chown, lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { format } from 'node:util';
import { EXIT, ExitError, loadProtos, serverCredentials, type Logger, type Service, type TlsFiles } from '@isawatt/common';
import { attachDeserializer, type AgentLinkService } from './agent-link-service.js';
import { guardService, type ListenerKind } from './auth.js';
import type { ControlService } from './control-service.js';

/**
 * Largest message the coordinator accepts, in bytes. A report of MAX_FUNCTIONS_PER_REPORT
 * functions is ~0.6 MB; agents send buffered reports one message each, so 4 MiB is ample and a
 * bigger message is refused (RESOURCE_EXHAUSTED) before it costs memory.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

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
  /** Serve unauthenticated TCP callers (every role). Without a client CA this must be true. */
  insecure: boolean;
  /** Unix socket for Control (operators), or undefined. */
  controlSocket?: string | undefined;
  /** Its file mode (e.g. 0o660) and owning group (name or gid). */
  controlSocketMode?: number;
  controlSocketGroup?: string | undefined;
  agentLink: AgentLinkService;
  control: ControlService;
  /** How long open calls may take to finish at shutdown, in ms. */
  drainMs?: number;
  log: Logger;
}

export class GrpcServer implements Service {
  readonly name = 'grpc-server';
  private readonly tcp: grpc.Server;
  private readonly unix: grpc.Server | undefined;
  private readonly log: Logger;
  private readonly health: HealthImplementation;
  private readonly tcpKind: ListenerKind;
  private boundPort = 0;

  constructor(private readonly opts: GrpcServerOptions) {
    this.log = opts.log.child({ component: this.name });
    const serverOptions: grpc.ServerOptions = { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.keepalive_permit_without_calls': 1 };
    this.health = new HealthImplementation({ '': 'NOT_SERVING', 'isawatt.v1.AgentLink': 'NOT_SERVING', 'isawatt.v1.Control': 'NOT_SERVING' });
    this.tcpKind = opts.tls.caFile !== undefined ? 'mtls' : 'insecure';
    if (this.tcpKind === 'insecure' && !opts.insecure) {
      throw new ExitError(EXIT.BAD_INPUT, `listen: ${opts.listen} has no client authentication (no tls.caFile); configure mutual TLS or pass --insecure`);
    }
    this.tcp = this.build(this.tcpKind, true, serverOptions);
    this.unix = opts.controlSocket ? this.build('unix', false, serverOptions) : undefined;
  }

  /** A server whose every handler checks its caller's role on a listener of `kind`. */
  private build(kind: ListenerKind, withAgentLink: boolean, options: grpc.ServerOptions): grpc.Server {
    const server = new grpc.Server(options);
    const protos = loadProtos().isawatt.v1;
    const refused = (service: string) => (peer: string, details: string) =>
      this.log.warn({ listener: kind, service, peer, details }, 'call refused: caller lacks the role');
    if (withAgentLink) {
      // Attach's client messages go through the ingest deserializer (a telemetry report stays
      // bytes for the stream's decoder, see attachDeserializer); the rest is unchanged.
      const agentLink = {
        ...protos.AgentLink.service,
        Attach: { ...protos.AgentLink.service.Attach, requestDeserialize: attachDeserializer() },
      } as typeof protos.AgentLink.service;
      server.addService(agentLink, guardService(agentLink, this.opts.agentLink.handlers(), kind, 'agent', 'AgentLink', refused('AgentLink')));
    }
    server.addService(
      protos.Control.service,
      guardService(protos.Control.service, this.opts.control.handlers(), kind, 'operator', 'Control', refused('Control')),
    );
    // The standard health service (grpc_health_probe, Kubernetes, load balancers) answers any
    // authenticated caller: the package registers it through this shim, which adds the guard.
    this.health.addToServer({
      addService: (definition, implementation) =>
        server.addService(
          definition,
          guardService(
            definition as grpc.ServiceDefinition,
            implementation as grpc.UntypedServiceImplementation,
            kind,
            undefined,
            'grpc.health.v1.Health',
            refused('Health'),
          ),
        ),
    });
    return server;
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  async init(): Promise<void> {
    const creds = serverCredentials(this.opts.tls);
    this.boundPort = await bind(this.tcp, this.opts.listen, creds);
    const mode = this.opts.tls.certFile ? (this.opts.tls.caFile ? 'mtls' : 'tls (insecure: no client authentication)') : 'plaintext (insecure)';
    if (this.tcpKind === 'insecure')
      this.log.warn(
        { listen: this.opts.listen },
        'insecure: callers on this address are not authenticated; anyone who can connect may attach as any host and operate the cluster',
      );
    if (this.unix && this.opts.controlSocket) await this.bindSocket(this.unix, this.opts.controlSocket);
    for (const s of ['', 'isawatt.v1.AgentLink', 'isawatt.v1.Control']) this.health.setStatus(s, 'SERVING');
    this.log.info({ listen: this.opts.listen, port: this.boundPort, transport: mode, controlSocket: this.opts.controlSocket ?? 'off' }, 'listening');
  }

  /** Binds the Control socket with its mode and group; a stale socket file is replaced, a live one is an error. */
  private async bindSocket(server: grpc.Server, path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    const existing = await lstat(path).catch(() => undefined);
    if (existing) {
      if (!existing.isSocket()) throw new ExitError(EXIT.BAD_INPUT, `controlSocket: ${path} exists and is not a socket; remove it or choose another path`);
      if (await socketAnswers(path))
        throw new ExitError(EXIT.BAD_INPUT, `controlSocket: ${path} is in use (another coordinator?); stop it or choose another path`);
      await rm(path, { force: true });
    }
    await bind(server, `unix:${path}`, grpc.ServerCredentials.createInsecure());
    await chmod(path, this.opts.controlSocketMode ?? 0o660);
    if (this.opts.controlSocketGroup !== undefined) await chown(path, -1, await groupId(this.opts.controlSocketGroup));
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    this.opts.control.endWatchers();
    for (const s of ['', 'isawatt.v1.AgentLink', 'isawatt.v1.Control']) this.health.setStatus(s, 'NOT_SERVING');
    const drainMs = this.opts.drainMs ?? 3000;
    await Promise.all([this.tcp, ...(this.unix ? [this.unix] : [])].map((server) => drain(server, drainMs, this.log)));
    if (this.opts.controlSocket) await rm(this.opts.controlSocket, { force: true });
    this.log.info('gRPC server stopped');
  }
}

function drain(server: grpc.Server, drainMs: number, log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ drainMs }, 'open calls did not finish; forcing shutdown');
      server.forceShutdown();
      resolve();
    }, drainMs);
    timer.unref();
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Binds one address; a failure is one line naming the address (exit 2). */
function bind(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(address, creds, (err, port) => {
      if (err) reject(new ExitError(EXIT.BAD_INPUT, `${address}: cannot listen: ${err.message.replace(/\s+/g, ' ')}`));
      else resolve(port);
    });
  });
}

/** True when something accepts connections on the Unix socket at `path`. */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A group name or numeric gid to a gid, from /etc/group. */
async function groupId(group: string): Promise<number> {
  if (/^\d+$/.test(group)) return Number(group);
  const line = (await readFile('/etc/group', 'utf8')).split('\n').find((l) => l.split(':')[0] === group);
  const gid = line?.split(':')[2];
  if (gid === undefined || !/^\d+$/.test(gid)) throw new ExitError(EXIT.BAD_INPUT, `controlSocketGroup: no group "${group}" in /etc/group`);
  return Number(gid);
}
