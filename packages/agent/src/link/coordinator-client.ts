// The agent's side of AgentLink: dials the coordinator, opens the Attach stream, sends Hello, waits
// for Welcome, then streams one TelemetryReport per tick and applies the Assignments it receives.
// grpc-js reconnects channels, but streams are ours to reopen: each attempt uses a fresh channel,
// and attempts are spaced by exponential backoff with jitter (grpc-js backoff-timeout.ts numbers,
// reset after a healthy period).
//
// Delivery: every report goes into a bounded ring buffer first. While attached, reports are written
// and kept for a short resend window; a Welcome's last_seq_stored tells which of the kept ones the
// coordinator already has, and the rest are sent again (the coordinator stores a report once per
// (host, session, seq)). While detached the buffer keeps the newest `bufferMaxReports`, dropping and
// counting the oldest.
import * as grpc from '@grpc/grpc-js';
import { Backoff, delay, errorMessage, loadProtos, toBigInt, type BackoffOptions, type Logger, type Service, type wire } from '@isawatt/common';
import { decodeProfileJob, safeJobId } from '../profiling/profile-job.js';
import { failedBag, type ProfileExecutor } from '../profiling/profile-executor.js';
import type { ApplyResult, FunctionRuntime } from '../runtime/function-runtime.js';
import type { TelemetrySource, TickSnapshot } from '../telemetry/snapshot.js';
import { decodeAssignment, encodeAssignmentAck, encodeHello, encodeTelemetry } from './codec.js';
import type { HelloInfo } from './hello-info.js';
import { RingBuffer } from './ring-buffer.js';

type AttachCall = grpc.ClientDuplexStream<wire.AgentMessage, wire.CoordinatorMessage__Output>;

interface PendingReport {
  readonly seq: bigint;
  readonly report: wire.TelemetryReport;
}

/** What the coordinator said in Welcome, for whoever cares (main wires the tick interval). */
export interface WelcomeInfo {
  readonly cluster: string;
  readonly lastSeqStored: bigint;
  /** 0: keep the agent's own interval. */
  readonly tickIntervalMs: number;
}

export interface CoordinatorLinkOptions {
  /** HOST:PORT. */
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  readonly sessionId: string;
  /** Called at every attach, so Hello carries the current assignment version and catalogue. */
  readonly hello: () => HelloInfo;
  readonly telemetry: TelemetrySource;
  /** Applies assignments; undefined means this agent cannot run functions (acked as such). */
  readonly runtime: FunctionRuntime | undefined;
  /** Runs profile jobs; undefined means this agent refuses them (answered as such). */
  readonly profiler?: ProfileExecutor | undefined;
  readonly bufferMaxReports: number;
  /** Reports kept after sending until a Welcome confirms them (default 120). */
  readonly resendWindow?: number;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
  /** A stream that lived this long resets the backoff (default 10 s). */
  readonly healthyAfterMs?: number;
  /** Give up on an attach that got no Welcome in this time (default 10 s). */
  readonly welcomeTimeoutMs?: number;
  readonly onWelcome?: (w: WelcomeInfo) => void;
  /** Extra channel options (tests; TLS target name override). */
  readonly channelOptions?: grpc.ChannelOptions;
}

/** Counters for /metrics and tests. */
export interface LinkStats {
  readonly connected: boolean;
  /** Attach attempts since start. */
  readonly attempts: number;
  /** Successful attaches (Welcome received) since start. */
  readonly attaches: number;
  /** Reports waiting to be sent or confirmed. */
  readonly bufferedReports: number;
  /** Unsent reports dropped because the buffer was full. */
  readonly droppedReports: number;
  readonly lastSeqSent: bigint;
}

const KEEPALIVE: grpc.ChannelOptions = {
  // Detects a coordinator that vanished without closing the connection (power loss, partition).
  'grpc.keepalive_time_ms': 15_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
};

/** Status codes that mean "the coordinator does not accept this agent", not "cannot reach it". */
const REFUSALS: ReadonlySet<grpc.status> = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.UNIMPLEMENTED,
]);

/** Routes grpc-js's own log lines into the agent's logger (they go to stderr otherwise). */
export function routeGrpcLogs(log: Logger): void {
  const grpcLog = log.child({ component: 'grpc' });
  grpc.setLogger({
    error: (...args: unknown[]) => grpcLog.warn({ detail: args.map(String).join(' ') }, 'grpc-js'),
    info: (...args: unknown[]) => grpcLog.debug({ detail: args.map(String).join(' ') }, 'grpc-js'),
    debug: (...args: unknown[]) => grpcLog.trace({ detail: args.map(String).join(' ') }, 'grpc-js'),
  });
}

/** One line, no stack: "14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED ...". */
function oneLine(err: unknown): string {
  const first = errorMessage(err).split('\n')[0] ?? 'unknown error';
  // grpc-js appends an empty "Resolution note: " to connection errors.
  return first.replace(/\.?\s*Resolution note:\s*$/, '').trim();
}

export class CoordinatorLink implements Service {
  readonly name = 'coordinator-link';
  private readonly log: Logger;
  private readonly buffer: RingBuffer<PendingReport>;
  private readonly resendWindow: number;
  private readonly backoff: Backoff;
  /** Entries [0, sentCount) of the buffer were written on the current stream. */
  private sentCount = 0;
  private call: AttachCall | undefined;
  private connected = false;
  private waitingDrain = false;
  private attempts = 0;
  private attaches = 0;
  private dropped = 0;
  private lastSeqSent = 0n;
  private assignmentChain: Promise<void> = Promise.resolve();
  private readonly onSnapshot = (s: TickSnapshot): void => this.enqueue(s);

  constructor(private readonly opts: CoordinatorLinkOptions) {
    this.log = opts.log;
    this.buffer = new RingBuffer(opts.bufferMaxReports);
    this.resendWindow = Math.max(0, opts.resendWindow ?? 120);
    this.backoff = new Backoff({ initialMs: 1000, maxMs: 30_000, ...opts.backoff });
  }

  stats(): LinkStats {
    return {
      connected: this.connected,
      attempts: this.attempts,
      attaches: this.attaches,
      bufferedReports: this.buffer.size,
      droppedReports: this.dropped,
      lastSeqSent: this.lastSeqSent,
    };
  }

  async run(signal: AbortSignal): Promise<void> {
    this.opts.telemetry.on('snapshot', this.onSnapshot);
    try {
      while (!signal.aborted) {
        const { reason, welcomedAt, refused } = await this.attachOnce(signal);
        if (signal.aborted) break;
        const healthy = welcomedAt !== undefined && performance.now() - welcomedAt >= (this.opts.healthyAfterMs ?? 10_000);
        if (healthy) this.backoff.reset();
        const retryInMs = this.backoff.nextDelayMs();
        if (refused) {
          // Not a network problem: the coordinator said no (bad host id, certificate, version).
          this.log.error({ coordinator: this.opts.address, reason, attempt: this.backoff.attempts, retryInMs }, 'coordinator refused this agent; retrying');
        } else if (welcomedAt !== undefined) {
          this.log.warn({ coordinator: this.opts.address, reason, retryInMs, buffered: this.buffer.size }, 'coordinator link lost; reconnecting');
        } else {
          this.log.warn(
            { coordinator: this.opts.address, reason, attempt: this.backoff.attempts, retryInMs, buffered: this.buffer.size },
            'coordinator unreachable; retrying',
          );
        }
        if (!(await delay(retryInMs, signal))) break;
      }
    } finally {
      this.opts.telemetry.off('snapshot', this.onSnapshot);
    }
    await this.opts.profiler?.cancelAll('agent stopping');
    await this.assignmentChain;
  }

  /** One Attach stream, from dial to end. Resolves (never rejects) with why it ended. */
  private attachOnce(signal: AbortSignal): Promise<{ reason: string; welcomedAt: number | undefined; refused: boolean }> {
    this.attempts++;
    const { AgentLink } = loadProtos().isawatt.v1;
    const client = new AgentLink(this.opts.address, this.opts.credentials, { ...KEEPALIVE, ...this.opts.channelOptions });
    const call = client.Attach();
    this.call = call;
    let welcomedAt: number | undefined;

    return new Promise((resolve) => {
      let done = false;
      const finish = (reason: string, refused = false): void => {
        if (done) return;
        done = true;
        clearTimeout(welcomeTimer);
        // A job's result can only go to the coordinator that asked for it: stop the bag now, the
        // coordinator counts the job as failed and retries it.
        void this.opts.profiler?.cancelAll(`coordinator link ended: ${reason}`);
        signal.removeEventListener('abort', onAbort);
        this.detach();
        call.removeAllListeners('data');
        // Errors after finish (cancel, late status) are expected; keep a listener so they are not thrown.
        call.on('error', () => undefined);
        call.cancel();
        client.close();
        resolve({ reason, welcomedAt, refused });
      };
      const onAbort = (): void => {
        call.end();
        finish('stopping');
      };
      const welcomeTimeoutMs = this.opts.welcomeTimeoutMs ?? 10_000;
      const welcomeTimer = setTimeout(() => finish(`no Welcome within ${welcomeTimeoutMs} ms`), welcomeTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });

      call.on('data', (msg: wire.CoordinatorMessage__Output) => {
        if (msg.body === 'welcome' && msg.welcome) {
          if (welcomedAt !== undefined) {
            this.log.warn('second Welcome on one stream; ignored');
            return;
          }
          clearTimeout(welcomeTimer);
          welcomedAt = performance.now();
          this.onWelcome(call, msg.welcome);
        } else if (welcomedAt === undefined) {
          finish(`coordinator sent ${msg.body ?? 'an empty message'} before Welcome`);
        } else if (msg.body === 'assignment' && msg.assignment) {
          this.queueAssignment(msg.assignment);
        } else if (msg.body === 'profile_job' && msg.profile_job) {
          this.startProfileJob(msg.profile_job);
        } else if (msg.body === 'profile_cancel' && msg.profile_cancel) {
          this.cancelProfileJob(msg.profile_cancel.job_id);
        } else {
          this.log.warn({ body: msg.body }, 'coordinator message without a known body; ignored');
        }
      });
      call.on('error', (err: grpc.ServiceError) => finish(oneLine(err), REFUSALS.has(err.code)));
      call.on('end', () => finish('coordinator closed the stream'));
      call.on('close', () => finish('stream closed'));

      call.write({ hello: encodeHello(this.opts.hello()) });
    });
  }

  private onWelcome(call: AttachCall, w: wire.Welcome__Output): void {
    let lastSeqStored = 0n;
    try {
      lastSeqStored = toBigInt(w.last_seq_stored, 'welcome.last_seq_stored');
    } catch (err) {
      this.log.warn({ err }, 'malformed Welcome.last_seq_stored; resending every buffered report');
    }
    const confirmed = this.buffer.dropWhile((r) => r.seq <= lastSeqStored);
    this.sentCount = 0;
    this.connected = true;
    this.attaches++;
    this.log.info(
      { coordinator: this.opts.address, cluster: w.cluster, lastSeqStored: lastSeqStored.toString(), confirmed, resending: this.buffer.size },
      'attached to coordinator',
    );
    this.opts.onWelcome?.({ cluster: w.cluster, lastSeqStored, tickIntervalMs: w.tick_interval_ms });
    if (w.has_assignment && w.assignment) this.queueAssignment(w.assignment);
    if (this.call === call) this.flush();
  }

  private detach(): void {
    this.connected = false;
    this.call = undefined;
    this.waitingDrain = false;
    // Nothing written on the dead stream is known to be stored: all of it is resent after Welcome.
    this.sentCount = 0;
  }

  private enqueue(s: TickSnapshot): void {
    const evicted = this.buffer.push({ seq: s.seq, report: encodeTelemetry(s, this.opts.sessionId) });
    if (evicted !== undefined) {
      if (this.sentCount > 0) {
        this.sentCount--; // an already-sent report aged out of the resend window: not a loss
      } else {
        this.dropped++;
        if (this.dropped === 1 || this.dropped % 100 === 0) {
          this.log.warn(
            { dropped: this.dropped, capacity: this.buffer.capacity, oldestSeq: evicted.seq.toString() },
            'telemetry buffer full; dropping the oldest reports',
          );
        }
      }
    }
    this.flush();
  }

  /** Writes every unsent report; pauses on back-pressure until 'drain'. */
  private flush(): void {
    const call = this.call;
    if (!call || !this.connected || this.waitingDrain) return;
    while (this.sentCount < this.buffer.size) {
      const entry = this.buffer.at(this.sentCount);
      if (entry === undefined) break;
      this.sentCount++;
      this.lastSeqSent = entry.seq;
      if (!call.write({ telemetry: entry.report })) {
        this.waitingDrain = true;
        call.once('drain', () => {
          if (this.call !== call) return;
          this.waitingDrain = false;
          this.flush();
        });
        break;
      }
    }
    while (this.sentCount > this.resendWindow) {
      this.buffer.shift();
      this.sentCount--;
    }
  }

  /** Runs a profile job in the background and sends its BagResult on the stream it is attached to. */
  private startProfileJob(job: wire.ProfileJob__Output): void {
    const jobId = safeJobId(job.job_id);
    const profiler = this.opts.profiler;
    let run: Promise<wire.BagResult>;
    if (!profiler) run = Promise.resolve(failedBag(jobId, 'profiling unavailable: this agent was started without a function runtime'));
    else {
      try {
        const spec = decodeProfileJob(job);
        this.log.info({ jobId, functions: spec.functions, durationMs: spec.durationMs, warmupMs: spec.warmupMs, idleMs: spec.idleMs }, 'profile job received');
        run = profiler.run(spec);
      } catch (err) {
        run = Promise.resolve(failedBag(jobId, oneLine(err)));
      }
    }
    void run.then((result) => this.sendBagResult(result));
  }

  private cancelProfileJob(rawId: string): void {
    const jobId = safeJobId(rawId);
    const profiler = this.opts.profiler;
    void (async () => {
      const found = profiler ? await profiler.cancel(jobId) : false;
      // Nothing of that job runs here: say so, so the coordinator's cancel wait ends at once (the
      // cancelled job sends its own result when it was running).
      if (!found) this.sendBagResult(failedBag(jobId, 'no such profile job running on this host', true));
    })();
  }

  private sendBagResult(result: wire.BagResult): void {
    const call = this.call;
    if (call && this.connected) {
      call.write({ bag_result: result });
      this.log.info({ jobId: result.job_id, ok: result.ok, cancelled: result.cancelled, error: result.error }, 'profile job result sent');
    } else {
      this.log.warn({ jobId: result.job_id }, 'link down; profile job result not sent (the coordinator retries the job)');
    }
  }

  /** Assignments are applied one at a time, in arrival order. */
  private queueAssignment(a: wire.Assignment__Output): void {
    this.assignmentChain = this.assignmentChain.then(() => this.applyAssignment(a));
  }

  private async applyAssignment(a: wire.Assignment__Output): Promise<void> {
    let version = 0n;
    try {
      version = toBigInt(a.version, 'assignment.version');
    } catch {
      // reported by decodeAssignment below
    }
    let result: ApplyResult;
    const runtime = this.opts.runtime;
    try {
      const spec = decodeAssignment(a);
      const profiling = this.opts.profiler?.busyWith();
      if (!runtime) {
        result = { ok: false, code: 'internal', error: 'runtime unavailable: this agent was started without a function runtime' };
      } else if (profiling !== undefined) {
        result = { ok: false, code: 'invalid', error: `host is running profile job ${profiling}; assign again once it has finished` };
      } else if (spec.version < runtime.runningVersion()) {
        result = { ok: false, code: 'invalid', error: `assignment v${spec.version} is older than the running v${runtime.runningVersion()}; ignored` };
      } else {
        result = await runtime.apply(spec).catch((err: unknown): ApplyResult => ({ ok: false, code: 'internal', error: oneLine(err) }));
      }
    } catch (err) {
      result = { ok: false, code: 'invalid', error: oneLine(err) };
    }
    if (result.ok) {
      this.log.info({ version: version.toString(), functions: result.placements.length }, 'assignment applied');
    } else {
      this.log.warn({ version: version.toString(), code: result.code, error: result.error }, 'assignment rejected');
    }
    const call = this.call;
    if (call && this.connected) {
      call.write({ assignment_ack: encodeAssignmentAck(version, result) });
    } else {
      this.log.warn({ version: version.toString() }, 'link down; ack not sent (the next Hello carries the running version)');
    }
  }
}
