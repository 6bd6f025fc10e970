// The AgentLink gRPC service: one bidi Attach stream per agent. The first message must be a Hello
// (within helloTimeoutMs); under mutual TLS its host_id must equal the client certificate's CN.
// The coordinator answers with a Welcome (last seq stored for the session, the host's assignment),
// then ingests telemetry and acks into the registry. A malformed report is logged and counted,
// not fatal: one bad tick must not cut a host off.
import type * as grpc from '@grpc/grpc-js';
import { agentMessageDeserializer, errorMessage, toWireU64, ValidationError, type Logger, type wire } from '@isawatt/common';
import type { AgentChannel, HostRegistry } from '../registry/host-registry.js';
import type { Assignment, TelemetryTick } from '../registry/types.js';
import { TickReport, type IngestedReport } from '../registry/ingested-report.js';
import { TelemetryDecoder } from './telemetry-decoder.js';
import { ackFromWire, assignmentToWire, helloFromWire, hostMaxPowerW, reportFromWire, type ReportContext } from './codec.js';
import { PermissionError, toStatus } from './to-status.js';

type AttachCall = grpc.ServerDuplexStream<wire.AgentMessage__Output, wire.CoordinatorMessage>;

/**
 * A telemetry message as attachDeserializer hands it on: its bytes, not yet decoded (the stream's
 * TelemetryDecoder reads them with the host's bounds).
 */
interface RawTelemetryMessage {
  body: 'telemetry';
  raw: Buffer;
}

/**
 * The deserializer of Attach's client messages: a telemetry report is left as bytes for the
 * stream's decoder (see TelemetryDecoder); every other body (Hello, ack, bag result) is decoded as
 * usual.
 */
export function attachDeserializer(): (buf: Buffer) => unknown {
  const reference = agentMessageDeserializer();
  return (buf: Buffer) => (TelemetryDecoder.isTelemetry(buf) ? ({ body: 'telemetry', raw: buf } satisfies RawTelemetryMessage) : reference(buf));
}

/** The report in a telemetry message's bytes by the reference decoder (protobufjs, reportFromWire): every problem named. */
function referenceReport(bytes: Buffer, ctx: ReportContext): TelemetryTick {
  let msg: wire.AgentMessage__Output;
  try {
    msg = agentMessageDeserializer()(bytes) as wire.AgentMessage__Output;
  } catch (err) {
    throw new ValidationError('telemetry report', `cannot be decoded (${errorMessage(err)})`);
  }
  if (!msg.telemetry) throw new ValidationError('telemetry report', 'cannot be decoded');
  return reportFromWire(msg.telemetry, ctx);
}

export interface AgentLinkServiceOptions {
  registry: HostRegistry;
  cluster: string;
  /** True when the server requires client certificates: Hello.host_id must equal the cert CN. */
  mtls: boolean;
  /** How long a new stream may stay silent before its Hello, in ms. */
  helloTimeoutMs?: number;
  /** Telemetry interval sent in Welcome, in ms (0: the agent's own setting). */
  tickIntervalMs?: number;
  /** Profiling results (BagResult) go here; absent: they are logged and dropped. */
  onBagResult?: (hostId: string, result: wire.BagResult__Output) => void;
  log: Logger;
}

export interface AgentLinkStats {
  reportsRejected: number;
  streamsRefused: number;
}

/** The CN of the peer's client certificate, or '' (no TLS, or no certificate). */
export function peerCertCn(call: Pick<AttachCall, 'getAuthContext'>): string {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  const cn: unknown = cert?.subject?.CN;
  return typeof cn === 'string' ? cn : Array.isArray(cn) && typeof cn[0] === 'string' ? cn[0] : '';
}

export class AgentLinkService {
  readonly stats: AgentLinkStats = { reportsRejected: 0, streamsRefused: 0 };
  private readonly log: Logger;
  private readonly channels = new Map<string, AttachCall>();

  constructor(private readonly opts: AgentLinkServiceOptions) {
    this.log = opts.log.child({ component: 'agent-link' });
  }

  /** Handlers to add to a grpc.Server under AgentLink's service definition. */
  handlers(): wire.AgentLinkHandlers {
    return { Attach: (call) => this.attach(call) };
  }

  /** Sends a profiling job to an attached host; false when it is not attached. */
  sendProfileJob(hostId: string, job: wire.ProfileJob): boolean {
    const call = this.channels.get(hostId);
    if (!call) return false;
    call.write({ profile_job: job });
    return true;
  }

  /** True while the host's Attach stream is open. */
  isAttached(hostId: string): boolean {
    return this.channels.has(hostId);
  }

  /** Asks an attached host to stop a profile job; false when it is not attached. */
  sendProfileCancel(hostId: string, jobId: string): boolean {
    const call = this.channels.get(hostId);
    if (!call) return false;
    call.write({ profile_cancel: { job_id: jobId } });
    return true;
  }

  private refuse(call: AttachCall, err: unknown): void {
    this.stats.streamsRefused++;
    const status = toStatus(err);
    this.log.warn({ peer: call.getPeer(), code: status.code, details: status.details }, 'agent stream refused');
    // grpc-js sends a stream's status on 'error' (destroy() would drop it).
    call.emit('error', Object.assign(new Error(status.details), status));
  }

  private attach(call: AttachCall): void {
    const peer = call.getPeer();
    const certCn = this.opts.mtls ? peerCertCn(call) : '';
    let hostId: string | undefined;
    let attachmentId = 0;
    let ended = false;
    // Reused for every report of this stream (its buffers and the names it has seen).
    const decoder = new TelemetryDecoder();
    const helloTimer = setTimeout(
      () => this.refuse(call, new ValidationError('attach', `no Hello within ${this.opts.helloTimeoutMs ?? 10_000} ms`)),
      this.opts.helloTimeoutMs ?? 10_000,
    );
    helloTimer.unref();

    const finish = (reason: string): void => {
      clearTimeout(helloTimer);
      if (ended) return;
      ended = true;
      if (hostId !== undefined) {
        if (this.channels.get(hostId) === call) this.channels.delete(hostId);
        this.opts.registry.detach(hostId, attachmentId, reason);
      }
    };

    const onHello = async (msg: wire.Hello__Output): Promise<void> => {
      clearTimeout(helloTimer);
      const hello = helloFromWire(msg);
      if (this.opts.mtls && certCn !== hello.hostId) {
        throw new PermissionError(`client certificate CN "${certCn}" does not match Hello host_id "${hello.hostId}"`);
      }
      const channel: AgentChannel = {
        sendAssignment: (a: Assignment) => {
          if (ended) return false;
          call.write({ assignment: assignmentToWire(a) });
          return true;
        },
        close: (reason: string) => {
          this.log.info({ hostId: hello.hostId, reason }, 'closing agent stream');
          finish(reason);
          call.end();
        },
      };
      const r = await this.opts.registry.attach(hello, channel, peer, certCn, { identityProven: this.opts.mtls && certCn === hello.hostId });
      if (ended) return;
      hostId = hello.hostId;
      attachmentId = r.attachmentId;
      this.channels.set(hostId, call);
      const welcome: wire.Welcome = {
        cluster: this.opts.cluster,
        last_seq_stored: toWireU64(r.lastSeqStored),
        has_assignment: r.assignment !== undefined,
        tick_interval_ms: this.opts.tickIntervalMs ?? 0,
        ...(r.assignment ? { assignment: assignmentToWire(r.assignment) } : {}),
      };
      call.write({ welcome });
    };

    // Messages are handled in arrival order: a Hello's attach is async (it saves the host), so
    // later messages wait for it instead of racing it.
    let queue: Promise<void> = Promise.resolve();
    call.on('data', (msg: wire.AgentMessage__Output) => {
      queue = queue.then(async () => {
        if (ended) return;
        try {
          await this.handle(msg, hostId, attachmentId, onHello, decoder);
        } catch (err) {
          if (hostId === undefined) this.refuse(call, err);
          else if (err instanceof ValidationError) {
            this.stats.reportsRejected++;
            this.log.warn({ hostId, err: errorMessage(err) }, 'agent message rejected');
          } else {
            this.log.error({ hostId, err }, 'agent message failed');
          }
        }
      });
    });
    call.on('end', () => {
      finish('stream ended by agent');
      call.end();
    });
    call.on('error', (err) => finish(`stream error: ${errorMessage(err)}`));
    call.on('cancelled', () => finish('stream cancelled'));
    call.on('close', () => finish('stream closed'));
  }

  private async handle(
    msg: wire.AgentMessage__Output,
    hostId: string | undefined,
    attachmentId: number,
    onHello: (h: wire.Hello__Output) => Promise<void>,
    decoder: TelemetryDecoder,
  ): Promise<void> {
    if (hostId === undefined) {
      if (msg.body !== 'hello' || !msg.hello) throw new ValidationError('attach', `first message must be a Hello, got ${msg.body ?? 'an empty message'}`);
      await onHello(msg.hello);
      return;
    }
    const reg = this.opts.registry;
    switch (msg.body) {
      case 'telemetry': {
        const hello = reg.hello(hostId);
        const ctx: ReportContext = { nowMs: Date.now(), maxPowerW: hostMaxPowerW(hello.sockets), logicalCpus: hello.logicalCpus };
        const raw = (msg as unknown as Partial<RawTelemetryMessage>).raw;
        let report: IngestedReport | undefined;
        // The fast decoder decides the common case; anything it leaves goes to the reference
        // decoder, which accepts it or names every problem.
        if (raw !== undefined) report = decoder.decode(raw, ctx) ?? new TickReport(referenceReport(raw, ctx));
        else if (msg.telemetry) report = new TickReport(reportFromWire(msg.telemetry, ctx));
        if (report) reg.ingest(hostId, attachmentId, report);
        return;
      }
      case 'assignment_ack':
        if (msg.assignment_ack) await reg.ack(hostId, attachmentId, ackFromWire(msg.assignment_ack));
        return;
      case 'bag_result':
        reg.touch(hostId, attachmentId);
        if (msg.bag_result) {
          if (this.opts.onBagResult) this.opts.onBagResult(hostId, msg.bag_result);
          else this.log.warn({ hostId, jobId: msg.bag_result.job_id }, 'bag result received but no profiler is wired; dropped');
        }
        return;
      case 'hello':
        throw new ValidationError('attach', 'second Hello on the same stream');
      default:
        throw new ValidationError('agent message', 'empty message (no body)');
    }
  }
}
