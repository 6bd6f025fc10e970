// A small client of the coordinator's Control API for CLI commands: address and
// TLS files from flags/environment, a deadline per call, and gRPC failures turned into one-line
// ControlErrors that carry the CLI exit code (UNAVAILABLE -> 3, NOT_FOUND -> 4,
// INVALID_ARGUMENT -> 2, the rest -> 1). Commands get plain promises; wire types stay here and
// in the command files that print them.
import * as grpc from '@grpc/grpc-js';
import { assertTransportAllowed, clientCredentials, EXIT, ExitError, loadProtos, type wire } from '@isawatt/common';
import { isUnixAddress, type ControlClientOptions } from './connection-options.js';

export * from './connection-options.js';

/** A failed Control call, with the exit code the CLI should use. */
export class ControlError extends ExitError {
  constructor(
    readonly grpcCode: grpc.status,
    exitCode: number,
    message: string,
  ) {
    super(exitCode, message);
  }
}

const EXIT_BY_CODE: Partial<Record<grpc.status, number>> = {
  [grpc.status.UNAVAILABLE]: EXIT.UNAVAILABLE,
  [grpc.status.NOT_FOUND]: EXIT.NOT_FOUND,
  [grpc.status.INVALID_ARGUMENT]: EXIT.BAD_INPUT,
  [grpc.status.OUT_OF_RANGE]: EXIT.BAD_INPUT,
};

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}

export class ControlClient {
  private readonly client: wire.ControlClient;

  constructor(readonly opts: ControlClientOptions) {
    // Throws a ConfigError (exit 2) for plaintext to a non-loopback address without --insecure.
    // The Control socket is local: its file mode, not TLS, decides who may use it.
    const unix = isUnixAddress(opts.address);
    if (!unix) assertTransportAllowed(opts.address, Boolean(opts.tls.caFile), opts.insecure, '--coordinator');
    const channelOptions: grpc.ChannelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
    if (opts.tlsServerName) channelOptions['grpc.ssl_target_name_override'] = opts.tlsServerName;
    const Ctor = loadProtos().isawatt.v1.Control;
    this.client = new Ctor(opts.address, unix ? grpc.credentials.createInsecure() : clientCredentials(opts.tls), channelOptions);
  }

  close(): void {
    this.client.close();
  }

  /** Turns a gRPC failure into a one-line ControlError. */
  toError(err: unknown, what: string): Error {
    if (!isServiceError(err)) return err instanceof Error ? err : new Error(String(err));
    // grpc-js connection failures read "No connection established. Last error: Error: connect
    // ECONNREFUSED ... Resolution note: "; keep the part that says what went wrong.
    const raw = err.details || err.message;
    const last = /Last error: (?:Error: )?(.*?)(?:\.?\s*Resolution note:.*)?$/s.exec(raw);
    let details = (last?.[1] ?? raw)
      .replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\s*/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    // OpenSSL errors are long colon-separated records; the reason is the field after the function.
    const ssl = /SSL routines:[^:]*:([^:]+):/.exec(details);
    if (ssl?.[1]) details = `TLS handshake failed: ${ssl[1]}`;
    if (err.code === grpc.status.UNAVAILABLE || (err.code === grpc.status.DEADLINE_EXCEEDED && what !== 'SetAssignment' && what !== 'Deploy')) {
      return new ControlError(err.code, EXIT.UNAVAILABLE, `cannot reach coordinator at ${this.opts.address}: ${details}`);
    }
    // NOT_FOUND details already name the thing ('unknown host "x"').
    const message = err.code === grpc.status.NOT_FOUND ? details : `${what}: ${details}`;
    return new ControlError(err.code, EXIT_BY_CODE[err.code] ?? EXIT.FAILURE, message);
  }

  private unary<Req, Res>(
    what: string,
    call: (req: Req, options: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown,
    req: Req,
    deadlineMs = this.opts.deadlineMs,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      call(req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res?: Res) => {
        if (err) reject(this.toError(err, what));
        else if (res === undefined) reject(new ControlError(grpc.status.INTERNAL, EXIT.FAILURE, `${what}: empty response`));
        else resolve(res);
      });
    });
  }

  /** One page of ListHosts (see listHosts for all of them). */
  listHostsPage(pageToken = '', pageSize = 0): Promise<wire.ListHostsResponse__Output> {
    return this.unary('ListHosts', (r, o, cb) => this.client.ListHosts(r, o, cb), { page_token: pageToken, page_size: pageSize });
  }

  /**
   * Every host, following ListHosts pages (each page is one bounded call with its own deadline).
   * A coordinator older than paging answers everything on the first page, with no token.
   */
  async listHosts(): Promise<{ hosts: wire.Host__Output[]; total_hosts: number }> {
    const hosts: wire.Host__Output[] = [];
    let token = '';
    let total = 0;
    for (let pages = 0; ; pages++) {
      const page = await this.listHostsPage(token);
      hosts.push(...page.hosts);
      total = page.total_hosts;
      if (page.next_page_token === '') break;
      if (page.next_page_token === token || pages > 1_000_000) {
        throw new ControlError(grpc.status.INTERNAL, EXIT.FAILURE, `ListHosts: the coordinator repeated page token "${token}"`);
      }
      token = page.next_page_token;
    }
    return { hosts, total_hosts: Math.max(total, hosts.length) };
  }

  getHost(hostId: string): Promise<wire.Host__Output> {
    return this.unary('GetHost', (r, o, cb) => this.client.GetHost(r, o, cb), { host_id: hostId });
  }

  getAssignment(hostId: string): Promise<wire.HostAssignment__Output> {
    return this.unary('GetAssignment', (r, o, cb) => this.client.GetAssignment(r, o, cb), { host_id: hostId });
  }

  getModelEstimates(): Promise<wire.GetModelEstimatesResponse__Output> {
    return this.unary('GetModelEstimates', (r, o, cb) => this.client.GetModelEstimates(r, o, cb), {});
  }

  health(): Promise<wire.HealthResponse__Output> {
    return this.unary('Health', (r, o, cb) => this.client.Health(r, o, cb), {});
  }

  /** The call's deadline is the ack timeout plus the usual deadline. */
  setAssignment(req: wire.SetAssignmentRequest): Promise<wire.SetAssignmentResponse__Output> {
    return this.unary('SetAssignment', (r, o, cb) => this.client.SetAssignment(r, o, cb), req, (req.ack_timeout_ms || 10_000) + this.opts.deadlineMs);
  }

  deploy(req: wire.DeployRequest): Promise<wire.DeployResponse__Output> {
    // Deploy may roll back after a failed ack: up to two ack waits.
    return this.unary('Deploy', (r, o, cb) => this.client.Deploy(r, o, cb), req, 2 * (req.ack_timeout_ms || 10_000) + this.opts.deadlineMs);
  }

  /**
   * How a telemetry stream's error ended it: `cancelled` (we cancelled it), `unavailable` (the
   * coordinator went away: worth reopening) or `failed`; `details` is gRPC's own text.
   */
  streamEnding(err: Error): { readonly kind: 'cancelled' | 'unavailable' | 'failed'; readonly details: string } {
    if (!isServiceError(err)) return { kind: 'failed', details: err.message };
    const kind = err.code === grpc.status.CANCELLED ? 'cancelled' : err.code === grpc.status.UNAVAILABLE ? 'unavailable' : 'failed';
    return { kind, details: err.details || err.message };
  }

  /** Runs one profile job; aborting the signal cancels the call (the coordinator then cancels the job). */
  profileBag(req: wire.ProfileBagRequest, deadlineMs: number, signal: AbortSignal): Promise<wire.ProfileBagResponse__Output> {
    return new Promise((resolve, reject) => {
      const call = this.client.ProfileBag(
        req,
        { deadline: Date.now() + deadlineMs },
        (err: grpc.ServiceError | null, res?: wire.ProfileBagResponse__Output) => {
          signal.removeEventListener('abort', onAbort);
          if (err) reject(this.toError(err, 'ProfileBag'));
          else if (res === undefined) reject(new ControlError(grpc.status.INTERNAL, EXIT.FAILURE, 'ProfileBag: empty response'));
          else resolve(res);
        },
      );
      const onAbort = (): void => call.cancel();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  cancelProfile(req: wire.CancelProfileRequest): Promise<wire.CancelProfileResponse__Output> {
    return this.unary('CancelProfile', (r, o, cb) => this.client.CancelProfile(r, o, cb), req, (req.timeout_ms || 15_000) + this.opts.deadlineMs);
  }

  beginProfileCampaign(req: wire.BeginProfileCampaignRequest): Promise<wire.ProfileCampaignState__Output> {
    return this.unary('BeginProfileCampaign', (r, o, cb) => this.client.BeginProfileCampaign(r, o, cb), req);
  }

  markRun(req: wire.MarkRunRequest): Promise<wire.MarkRunResponse__Output> {
    return this.unary('MarkRun', (r, o, cb) => this.client.MarkRun(r, o, cb), req);
  }

  saveRun(recordJson: string): Promise<wire.SaveRunResponse__Output> {
    return this.unary('SaveRun', (r, o, cb) => this.client.SaveRun(r, o, cb), { record_json: recordJson }, 60_000);
  }

  listRuns(experimentId = ''): Promise<wire.ListRunsResponse__Output> {
    return this.unary('ListRuns', (r, o, cb) => this.client.ListRuns(r, o, cb), { experiment_id: experimentId });
  }

  getRun(runId: string): Promise<wire.GetRunResponse__Output> {
    return this.unary('GetRun', (r, o, cb) => this.client.GetRun(r, o, cb), { run_id: runId }, 60_000);
  }

  getPduSeries(hostId: string, fromMs: number, toMs: number): Promise<wire.PduSeries__Output> {
    return this.unary('GetPduSeries', (r, o, cb) => this.client.GetPduSeries(r, o, cb), { host_id: hostId, from_ms: String(fromMs), to_ms: String(toMs) });
  }

  /** A live telemetry stream (no deadline); cancel it to stop. */
  watchTelemetry(hostId: string): grpc.ClientReadableStream<wire.TelemetryEvent__Output> {
    return this.client.WatchTelemetry({ host_id: hostId });
  }
}
