// The Control gRPC service used by the `isawatt` CLI. Every handler validates its request (a
// malformed one is INVALID_ARGUMENT naming the field), reads or changes the registry through
// domain calls, and maps failures through toStatus. WatchTelemetry streams one event per ingested
// report; a watcher that cannot keep up loses events (counted and logged) instead of making the
// coordinator buffer without bound.
import * as grpc from '@grpc/grpc-js';
import { placementToWire, qualityToWire, telemetryToWire, UnavailableError, type Logger, type wire } from '@isawatt/common';
import type { AssignmentService } from '../assignments/assignment-service.js';
import { DEFAULT_ACK_TIMEOUT_MS } from '../assignments/assignment-service.js';
import type { ModelLearner } from '../learning/model-learner.js';
import type { ProfileBroker } from '../profiling/profile-broker.js';
import { checkProfileId } from '../profiling/campaign-store.js';
import type { CampaignStore } from '../profiling/campaign-store.js';
import type { HostRegistry } from '../registry/host-registry.js';
import type { HostView } from '../registry/types.js';
import type { IngestedReport } from '../registry/ingested-report.js';
import { ackToWire, assignmentToWire, functionsFromWire, hostStateToWire, hostToWire, type PduReading } from './codec.js';
import { InvalidRequestError, toStatus } from './to-status.js';
import type { RunStore } from '../runs/run-store.js';
import { isRunId } from '../results/run-record-schema.js';
import type { PduPoint } from '../pdu/store.js';
import { HOST_ID_PATTERN } from '../store/state-store.js';

/** Latest PDU (wall) power per host, from the MQTT PDU ingest, and its history (run energy). */
export interface PduSource {
  latest(hostId: string): PduReading | undefined;
  series?(hostId: string, fromMs: number, toMs: number): PduPoint[];
  energyJ?(hostId: string, fromMs: number, toMs: number): { energyJ: number; coveredMs: number };
}

/** Where run markers and results go on MQTT (the bridge; absent when MQTT is off). */
export interface RunAnnouncer {
  publishRunMarker(kind: 'run-start' | 'run-stop' | 'run-result', fields: Record<string, unknown>): void;
}

/** Largest run record SaveRun accepts, in bytes of JSON. */
export const MAX_RUN_RECORD_BYTES = 32 * 1024 * 1024;

export interface ControlServiceOptions {
  registry: HostRegistry;
  assignments: AssignmentService;
  /** Profiling (ProfileBag, CancelProfile, BeginProfileCampaign); absent: those calls are UNIMPLEMENTED. */
  profiler?: ProfileBroker | undefined;
  campaigns?: CampaignStore | undefined;
  cluster: string;
  version: string;
  pduSource?: PduSource | undefined;
  /** Health.mqtt: "disabled", "connected", "reconnecting". */
  mqttStatus?: () => string;
  /** Run records; undefined: the run RPCs answer UNAVAILABLE. */
  runs?: RunStore | undefined;
  announcer?: RunAnnouncer | undefined;
  /** Online model refinement (GetModelEstimates); absent: an empty answer. */
  learner?: { readonly learner: ModelLearner; readonly priorSource: string; readonly tauS: number } | undefined;
  log: Logger;
  now?: () => number;
}

/** ListHosts page size when the request says 0, and the largest one a request may ask for. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/**
 * A ListHosts page stops once its hosts carry this many function entries (catalogue, last report
 * and placements): a host at the Hello and report caps (4,096 each) is ~1 MB on the wire, so a
 * page stays under the client's 4 MiB receive limit and costs the coordinator milliseconds,
 * however many such hosts there are (issue: 110,000-function hosts stalled ListHosts for 12 s).
 */
export const MAX_PAGE_FUNCTIONS = 10_000;

function hostWeight(h: HostView): number {
  return 1 + h.hello.catalogue.length + (h.lastReport?.functions.length ?? 0) + h.placements.length;
}

/** Page tokens are "h:" + the last host id of the previous page (host ids are [A-Za-z0-9._-]). */
function pageToken(hostId: string): string {
  return `h:${hostId}`;
}

function pageRequest(req: wire.ListHostsRequest__Output): { pageSize: number; after: string } {
  if (req.page_size > MAX_PAGE_SIZE) throw new InvalidRequestError(`page_size: at most ${MAX_PAGE_SIZE}, got ${req.page_size}`);
  const pageSize = req.page_size === 0 ? DEFAULT_PAGE_SIZE : req.page_size;
  if (req.page_token === '') return { pageSize, after: '' };
  const after = req.page_token.startsWith('h:') ? req.page_token.slice(2) : '';
  if (!HOST_ID_PATTERN.test(after))
    throw new InvalidRequestError('page_token: not a token this coordinator issued (pass next_page_token of the previous page, or empty)');
  return { pageSize, after };
}

/** Longest ack wait a client may ask for, in ms. */
const MAX_ACK_TIMEOUT_MS = 600_000;

function requireHostId(hostId: string, field = 'host_id'): string {
  if (hostId.trim() === '') throw new InvalidRequestError(`${field}: required (a host id)`);
  return hostId;
}

function ackTimeout(ms: number, field: string): number {
  if (ms > MAX_ACK_TIMEOUT_MS) throw new InvalidRequestError(`${field}: at most ${MAX_ACK_TIMEOUT_MS} ms, got ${ms}`);
  return ms === 0 ? DEFAULT_ACK_TIMEOUT_MS : ms;
}

/** Runs a unary handler body and answers through the callback, errors through toStatus. */
function unary<Req, Res>(log: Logger, name: string, body: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => body(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const status = toStatus(err);
          if (status.code === grpc.status.INTERNAL) log.error({ rpc: name, err }, 'control request failed');
          else log.debug({ rpc: name, code: status.code, details: status.details }, 'control request refused');
          callback(status);
        },
      );
  };
}

export class ControlService {
  private readonly log: Logger;
  private readonly startedMs: number;
  private readonly now: () => number;
  watchersDropped = 0;
  private readonly watchers = new Set<grpc.ServerWritableStream<wire.WatchTelemetryRequest__Output, wire.TelemetryEvent>>();

  constructor(private readonly opts: ControlServiceOptions) {
    this.log = opts.log.child({ component: 'control' });
    this.now = opts.now ?? Date.now;
    this.startedMs = this.now();
  }

  private hostWire(h: HostView): wire.Host {
    return hostToWire(h, this.opts.pduSource?.latest(h.hostId));
  }

  handlers(): wire.ControlHandlers {
    const { registry, assignments } = this.opts;
    const log = this.log;
    return {
      ListHosts: unary<wire.ListHostsRequest__Output, wire.ListHostsResponse>(log, 'ListHosts', (req) => {
        const { pageSize, after } = pageRequest(req);
        const page = registry.listPage(after, pageSize, MAX_PAGE_FUNCTIONS, hostWeight);
        const last = page.hosts.at(-1);
        return {
          hosts: page.hosts.map((h) => this.hostWire(h)),
          next_page_token: page.more && last ? pageToken(last.hostId) : '',
          total_hosts: page.total,
        };
      }),
      GetHost: unary<wire.GetHostRequest__Output, wire.Host>(log, 'GetHost', (req) => this.hostWire(registry.get(requireHostId(req.host_id)))),
      GetAssignment: unary<wire.GetAssignmentRequest__Output, wire.HostAssignment>(log, 'GetAssignment', (req) => {
        const h = registry.get(requireHostId(req.host_id));
        return {
          host_id: h.hostId,
          ...(h.assignment ? { assignment: assignmentToWire(h.assignment) } : {}),
          acked_version: h.ackedAssignmentVersion.toString(),
          placements: h.placements.map(placementToWire),
        };
      }),
      SetAssignment: unary<wire.SetAssignmentRequest__Output, wire.SetAssignmentResponse>(log, 'SetAssignment', async (req) => {
        const ack = await assignments.set(
          { hostId: requireHostId(req.host_id), functions: functionsFromWire(req.functions) },
          ackTimeout(req.ack_timeout_ms, 'ack_timeout_ms'),
        );
        return { ack: ackToWire(ack) };
      }),
      Deploy: unary<wire.DeployRequest__Output, wire.DeployResponse>(log, 'Deploy', async (req) => {
        const hosts = req.hosts.map((h, i) => ({ hostId: requireHostId(h.host_id, `hosts[${i}].host_id`), functions: functionsFromWire(h.functions) }));
        const out = await assignments.deploy(hosts, ackTimeout(req.ack_timeout_ms, 'ack_timeout_ms'), req.label);
        return { ok: out.ok, error: out.error, rolled_back: out.rolledBack, acks: out.acks.map((a) => ({ host_id: a.hostId, ack: ackToWire(a.ack) })) };
      }),
      Health: unary<wire.HealthRequest__Output, wire.HealthResponse>(log, 'Health', () => {
        const c = registry.counts();
        return {
          status: 'serving',
          version: this.opts.version,
          cluster: this.opts.cluster,
          uptime_ms: String(Math.max(0, this.now() - this.startedMs)),
          hosts_up: c.up,
          hosts_down: c.down,
          mqtt: this.opts.mqttStatus?.() ?? 'disabled',
        };
      }),
      GetModelEstimates: unary<wire.GetModelEstimatesRequest__Output, wire.GetModelEstimatesResponse>(log, 'GetModelEstimates', () => {
        const l = this.opts.learner;
        return {
          prior_source: l?.priorSource ?? '',
          tau_s: l?.tauS ?? 0,
          estimates: (l?.learner.estimates() ?? []).map((e) => ({
            host_type: e.hostType,
            function: e.function,
            exec_per_sec_per_core: e.execPerSecPerCore,
            energy_per_exec_j: e.energyPerExecJ,
            samples: String(e.samples),
            observed_cpu_s: e.observedCpuS,
            confidence: e.confidence,
            profiled_exec_per_sec_per_core: e.profiledExecPerSecPerCore ?? 0,
            profiled_energy_per_exec_j: e.profiledEnergyPerExecJ ?? 0,
            has_profiled: e.profiledExecPerSecPerCore !== undefined,
            drift: e.drift,
            energy_quality: qualityToWire(e.energyQuality),
            last_update_ms: String(e.lastUpdateMs),
          })),
        };
      }),
      WatchTelemetry: (call) => this.watch(call),
      ProfileBag: (call, callback) => this.profileBag(call, callback),
      CancelProfile: unary<wire.CancelProfileRequest__Output, wire.CancelProfileResponse>(log, 'CancelProfile', async (req) => {
        const profiler = this.requireProfiler();
        if (req.campaign_id !== '') checkProfileId(req.campaign_id, 'campaign_id');
        if (req.job_ids.length > 10_000) throw new InvalidRequestError(`job_ids: at most 10000, got ${req.job_ids.length}`);
        req.job_ids.forEach((id, i) => checkProfileId(id, `job_ids[${i}]`));
        if (req.timeout_ms > MAX_ACK_TIMEOUT_MS) throw new InvalidRequestError(`timeout_ms: at most ${MAX_ACK_TIMEOUT_MS} ms, got ${req.timeout_ms}`);
        return profiler.cancel(req.campaign_id, req.job_ids, req.timeout_ms === 0 ? 15_000 : req.timeout_ms);
      }),
      BeginProfileCampaign: unary<wire.BeginProfileCampaignRequest__Output, wire.ProfileCampaignState>(log, 'BeginProfileCampaign', async (req) => {
        const store = this.opts.campaigns;
        if (!store) throw new InvalidRequestError('profiling is not enabled on this coordinator');
        const id = checkProfileId(req.campaign_id, 'campaign_id');
        this.opts.profiler?.beginCampaign(id);
        if (!req.resume) {
          await store.reset(id);
          return { campaign_id: id, results: [] };
        }
        const stored = await store.load(id);
        return {
          campaign_id: id,
          results: stored.map((r) => ({ host_id: r.hostId, host_type: r.hostType, result: r.result, stored_at_ms: String(r.storedAtMs) })),
        };
      }),
      MarkRun: unary<wire.MarkRunRequest__Output, wire.MarkRunResponse>(log, 'MarkRun', (req) => {
        if (!isRunId(req.run_id)) throw new InvalidRequestError(`run_id: expected 1-128 letters, digits, ".", "_" or "-", got "${req.run_id.slice(0, 64)}"`);
        if (req.phase !== 'start' && req.phase !== 'stop') throw new InvalidRequestError(`phase: expected "start" or "stop", got "${req.phase.slice(0, 32)}"`);
        if (req.experiment_id !== '' && !isRunId(req.experiment_id))
          throw new InvalidRequestError('experiment_id: expected 1-128 letters, digits, ".", "_" or "-"');
        const bounded = (v: string, field: string): string => {
          if (v.length > 200) throw new InvalidRequestError(`${field}: at most 200 characters`);
          return v;
        };
        this.opts.announcer?.publishRunMarker(req.phase === 'start' ? 'run-start' : 'run-stop', {
          run_id: req.run_id,
          experiment_id: req.experiment_id || null,
          policy: bounded(req.policy, 'policy'),
          mix: bounded(req.mix, 'mix') || null,
          at_ms: Number(req.at_ms),
        });
        return {};
      }),
      SaveRun: unary<wire.SaveRunRequest__Output, wire.SaveRunResponse>(log, 'SaveRun', async (req) => {
        const store = this.requireRuns();
        if (Buffer.byteLength(req.record_json) > MAX_RUN_RECORD_BYTES) throw new InvalidRequestError(`record_json: at most ${MAX_RUN_RECORD_BYTES} bytes`);
        let value: unknown;
        try {
          value = JSON.parse(req.record_json);
        } catch (err) {
          throw new InvalidRequestError(`record_json: not JSON (${(err as Error).message.slice(0, 200)})`);
        }
        const r = await store.save(value);
        this.opts.announcer?.publishRunMarker('run-result', {
          run_id: r.id,
          experiment_id: r.experimentId ?? null,
          kind: r.kind,
          mix: r.mix ?? null,
          policy: r.policy,
          met_rates: r.metRates,
          energy_j: r.energyJ,
          energy_quality: r.energyQuality,
          predicted_energy_j: r.predictedEnergyJ,
          duration_s: r.durationS,
          functions_missing_rate: r.functions.filter((f) => !f.metRate).map((f) => f.name),
        });
        return { run_id: r.id };
      }),
      ListRuns: unary<wire.ListRunsRequest__Output, wire.ListRunsResponse>(log, 'ListRuns', (req) => ({
        runs: this.requireRuns()
          .list(req.experiment_id || undefined)
          .map((s) => ({
            run_id: s.id,
            kind: s.kind,
            experiment_id: s.experimentId ?? '',
            started_at: s.startedAt,
            mix: s.mix ?? '',
            policy: s.policy,
            repeat: s.repeat ?? 0,
            duration_s: s.durationS,
            met_rates: s.metRates,
            energy_j: s.energyJ,
            energy_quality: s.energyQuality,
            predicted_energy_j: s.predictedEnergyJ,
          })),
      })),
      GetRun: unary<wire.GetRunRequest__Output, wire.GetRunResponse>(log, 'GetRun', async (req) => ({
        record_json: JSON.stringify(await this.requireRuns().get(req.run_id)),
      })),
      GetPduSeries: unary<wire.GetPduSeriesRequest__Output, wire.PduSeries>(log, 'GetPduSeries', (req) => {
        const hostId = requireHostId(req.host_id);
        const fromMs = Number(req.from_ms);
        const toMs = Number(req.to_ms);
        if (!(toMs > fromMs)) throw new InvalidRequestError('to_ms: must be after from_ms');
        const pdu = this.opts.pduSource;
        const points = pdu?.series?.(hostId, fromMs, toMs) ?? [];
        const e = pdu?.energyJ?.(hostId, fromMs, toMs) ?? { energyJ: 0, coveredMs: 0 };
        return {
          points: points.map((p) => ({ timestamp_ms: String(p.timestampMs), power_w: p.powerW, outlet: p.outlet })),
          energy_j: e.energyJ,
          covered_ms: String(e.coveredMs),
        };
      }),
    };
  }

  private requireProfiler(): ProfileBroker {
    if (!this.opts.profiler) throw new InvalidRequestError('profiling is not enabled on this coordinator');
    return this.opts.profiler;
  }

  /** Unary, but the call's cancellation matters: it cancels the job on the agent. */
  private profileBag(
    call: grpc.ServerUnaryCall<wire.ProfileBagRequest__Output, wire.ProfileBagResponse>,
    callback: grpc.sendUnaryData<wire.ProfileBagResponse>,
  ): void {
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    Promise.resolve()
      .then(async () => {
        const profiler = this.requireProfiler();
        const req = call.request;
        if (!req.job) throw new InvalidRequestError('job: required');
        if (req.timeout_ms > 24 * 3_600_000) throw new InvalidRequestError(`timeout_ms: at most one day, got ${req.timeout_ms}`);
        const out = await profiler.runBag(requireHostId(req.host_id), req.job, req.timeout_ms, abort.signal);
        return { host_id: out.hostId, host_type: out.hostType, result: out.result };
      })
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const status = toStatus(err);
          if (status.code === grpc.status.INTERNAL) this.log.error({ rpc: 'ProfileBag', err }, 'control request failed');
          callback(status);
        },
      );
  }

  private requireRuns(): RunStore {
    if (!this.opts.runs) throw new UnavailableError('runs', 'run records are not available');
    return this.opts.runs;
  }

  private watch(call: grpc.ServerWritableStream<wire.WatchTelemetryRequest__Output, wire.TelemetryEvent>): void {
    const { registry } = this.opts;
    const only = call.request.host_id;
    if (only !== '' && !registry.has(only)) {
      call.emit('error', Object.assign(new Error(`unknown host "${only}"`), { code: grpc.status.NOT_FOUND, details: `unknown host "${only}"` }));
      return;
    }
    let blocked = false;
    let dropped = 0;
    const send = (ev: wire.TelemetryEvent): void => {
      if (blocked) {
        dropped++;
        this.watchersDropped++;
        return;
      }
      if (!call.write(ev)) blocked = true;
    };
    const onDrain = (): void => {
      blocked = false;
      if (dropped > 0) this.log.warn({ peer: call.getPeer(), dropped }, 'slow telemetry watcher lost events');
      dropped = 0;
    };
    // Reports arrive as the ingest path keeps them ('report'): only a watched host's are built
    // into objects.
    const onTelemetry = (hostId: string, report: IngestedReport): void => {
      if (only === '' || only === hostId) send({ host_id: hostId, report: telemetryToWire(report.tick()), state: 'HOST_STATE_UP' });
    };
    const onState = (h: HostView): void => {
      if (only === '' || only === h.hostId) send({ host_id: h.hostId, state: hostStateToWire(h.state) });
    };
    registry.on('report', onTelemetry);
    registry.on('host-up', onState);
    registry.on('host-down', onState);
    call.on('drain', onDrain);
    const stop = (): void => {
      this.watchers.delete(call);
      registry.off('report', onTelemetry);
      registry.off('host-up', onState);
      registry.off('host-down', onState);
    };
    this.watchers.add(call);
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
  }

  /** Ends every WatchTelemetry stream (at shutdown, so the server can drain). */
  endWatchers(): void {
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }
}
