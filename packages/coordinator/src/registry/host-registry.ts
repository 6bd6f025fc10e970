// The coordinator's host registry: which hosts exist, which are up, their last Hello and report,
// telemetry dedupe by (host, session_id, seq), and each host's assignment. It knows nothing of
// gRPC: an attached agent is an AgentChannel, and the AgentLink service calls attach / ingest /
// ack / detach. State that must survive a restart goes through the StateStore: attach and
// assignment changes are saved at once, the telemetry watermark (last seq per session) is saved by
// a periodic flush, so after a crash reports from the last flush interval may be ingested twice
// but none is skipped (the agent resends everything above the watermark it is told in Welcome).
import { EventEmitter } from 'node:events';
import { NotFoundError, type Logger } from '@isawatt/common';
import type { StateStore } from '../store/state-store.js';
import type { HostWatermark } from '../store/watermark-file.js';
import type { RegistryEvents } from './events.js';
import type { Assignment, AssignmentAck, Hello, HostState, HostView, PersistedHost, TelemetryTick } from './types.js';
import { ColumnReport, TickReport, type IngestedReport } from './ingested-report.js';

/** The registry's handle on one attached agent stream. */
export interface AgentChannel {
  /** Queues the assignment on the stream; false when the stream is gone. */
  sendAssignment(assignment: Assignment): boolean;
  /** Ends the stream (another stream of the same host replaced it, or shutdown). */
  close(reason: string): void;
}

export interface HostRegistryOptions {
  store: StateStore | undefined;
  /** A host that sends nothing for this long is marked down. */
  hostDownAfterMs: number;
  /** How often telemetry watermarks are written to the state directory (one file for all hosts). */
  flushIntervalMs: number;
  log: Logger;
  now?: () => number;
}

export interface AttachResult {
  /** Highest seq of the Hello's session already stored (0n when none). */
  lastSeqStored: bigint;
  /** What the host should run, if anything. */
  assignment: Assignment | undefined;
  /** Pass back to ingest/ack/detach: identifies this stream, not an older one of the same host. */
  attachmentId: number;
}

export type IngestResult = 'stored' | 'duplicate' | 'stale-attachment' | 'rejected';

/**
 * Bounds on counters that come from the wire (docs/security.md), so one forged value cannot
 * black a host out or wrap a counter:
 *  - a session's seq advances by at most SEQ_SLACK plus one per MIN_TICK_MS (the agents' fastest
 *    tick) elapsed since its last accepted report; a new session's first seq is at most
 *    NEW_SESSION_MAX_SEQ (2^36: 21 years of reports at the fastest tick);
 *  - an agent's running assignment version may exceed the last version this coordinator issued by
 *    at most MAX_VERSION_ADVANCE (a coordinator that lost its state directory learns it from Hello);
 *  - an ack counts only for a version the coordinator sent and still waits for.
 */
export const MIN_TICK_MS = 10;
export const SEQ_SLACK = 1_000_000n;
export const NEW_SESSION_MAX_SEQ = 2n ** 36n;
export const MAX_VERSION_ADVANCE = 1_000_000n;

/** A second stream for a host that is up, without proof it is the same agent. */
export class AttachConflictError extends Error {
  override readonly name = 'AttachConflictError';
}

/** A Hello whose counters are outside the bounds above. */
export class CounterBoundError extends Error {
  override readonly name = 'CounterBoundError';
}

export interface AttachOptions {
  /** The caller proved it is this host (mutual TLS, CN = host id): it may replace a live stream. */
  identityProven: boolean;
}

/** What a /metrics scrape reads of one host (HostRegistry.scrapeRow). */
export interface ScrapeRow {
  state: HostState;
  report: IngestedReport | undefined;
  assignment: Assignment | undefined;
}

/** Sessions remembered per host for dedupe; older ones are forgotten. */
const MAX_SESSIONS_PER_HOST = 16;

interface HostEntry {
  persisted: PersistedHost;
  state: HostState;
  stateSinceMs: number;
  /** The latest report (columns or objects, see IngestedReport); undefined before the first. */
  lastReport: IngestedReport | undefined;
  /** Session and seq of the latest report (whichever form it is kept in). */
  lastReportSessionId: string;
  lastReportSeq: bigint;
  reportsReceived: number;
  reportsDuplicate: number;
  peer: string;
  peerCertCn: string;
  channel: AgentChannel | undefined;
  attachmentId: number;
  /** Watermark changed since the last save. */
  dirty: boolean;
  /** Waiters for acks, by assignment version. */
  ackWaiters: Map<bigint, (ack: AssignmentAck) => void>;
  /** When each session's watermark last advanced (coordinator clock, ms); bounds the next seq. */
  watermarkAtMs: Map<string, number>;
}

export class HostRegistry extends EventEmitter<RegistryEvents> {
  private readonly hosts = new Map<string, HostEntry>();
  private readonly log: Logger;
  private readonly now: () => number;
  private nextAttachmentId = 1;
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private totalIngested = 0;
  private totalDuplicates = 0;
  private totalRejected = 0;
  private lastSweepMs: number | undefined;
  /** End of the last event-loop stall seen by checkLiveness: silence is counted from here at most. */
  private listeningSinceMs = -Infinity;
  /** Period of the liveness sweep, ms. */
  private readonly sweepMs: number;
  /** Host ids sorted for listPage; hosts are never removed, so a size change means "stale". */
  private sortedIdCache: string[] | undefined;

  constructor(private readonly opts: HostRegistryOptions) {
    super();
    this.log = opts.log.child({ component: 'registry' });
    this.now = opts.now ?? Date.now;
    this.sweepMs = Math.max(50, Math.min(1000, Math.floor(opts.hostDownAfterMs / 4)));
    // One listener per WatchTelemetry client plus the bridge and metrics: no fixed limit.
    this.setMaxListeners(0);
  }

  /** Loads persisted hosts (all down until their agents attach) and starts the timers. */
  async start(): Promise<void> {
    const restored = (await this.opts.store?.loadHosts()) ?? [];
    const now = this.now();
    for (const p of restored) this.hosts.set(p.hostId, this.newEntry(p, 'down', now));
    if (restored.length > 0) this.log.info({ hosts: restored.map((h) => h.hostId) }, 'hosts restored from state directory');
    // The first sweep measures its delay from here: a stall before it is a stall too.
    this.lastSweepMs = now;
    this.sweepTimer = setInterval(() => this.checkLiveness(), this.sweepMs);
    this.sweepTimer.unref();
    this.flushTimer = setInterval(() => void this.flushDirty(), this.opts.flushIntervalMs);
    this.flushTimer.unref();
  }

  /** Stops the timers, closes agent streams and writes every dirty host. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    for (const e of this.hosts.values()) {
      e.channel?.close('coordinator shutting down');
      e.channel = undefined;
    }
    await this.flushDirty();
    await this.opts.store?.flush();
    this.opts.store?.close();
  }

  // ---- agent side ----

  /**
   * A Hello arrived on a new stream. Registers or updates the host, replaces an older stream of
   * the same host, and returns what Welcome needs.
   */
  async attach(hello: Hello, channel: AgentChannel, peer: string, peerCertCn: string, opts: AttachOptions = { identityProven: false }): Promise<AttachResult> {
    const now = this.now();
    let e = this.hosts.get(hello.hostId);
    if (e?.channel !== undefined && e.state === 'up' && !opts.identityProven && e.persisted.hello.sessionId !== hello.sessionId) {
      // Without certificates anyone can claim a host id: a live stream is only replaced by the
      // same agent session (a reconnect after a half-open drop). A restarted agent gets in once
      // the old stream closes or stays silent for hostDownAfterMs.
      this.log.warn({ hostId: hello.hostId, peer, connectedPeer: e.peer }, 'second attach for a connected host refused');
      throw new AttachConflictError(
        `host "${hello.hostId}" is attached on another stream (peer ${e.peer}); a second stream is refused unless it presents the same identity (the same session, or a client certificate for the host); retry once that stream closes or is silent for ${this.opts.hostDownAfterMs} ms`,
      );
    }
    const lastIssued = e?.persisted.lastIssuedVersion ?? 0n;
    if (hello.runningAssignmentVersion > lastIssued + MAX_VERSION_ADVANCE) {
      throw new CounterBoundError(
        `running_assignment_version ${hello.runningAssignmentVersion} is more than ${MAX_VERSION_ADVANCE} above the last version this coordinator issued (${lastIssued}); refused so it cannot poison version numbering; restart the agent to clear its running assignment`,
      );
    }
    if (e === undefined) {
      e = this.newEntry(
        {
          hostId: hello.hostId,
          hello,
          registeredAtMs: now,
          lastSeenMs: now,
          lastSeqBySession: {},
          assignment: undefined,
          lastIssuedVersion: 0n,
          ackedAssignmentVersion: 0n,
          placements: [],
        },
        'down',
        now,
      );
      this.hosts.set(hello.hostId, e);
      this.log.info({ hostId: hello.hostId, arch: hello.arch, sockets: hello.sockets, cores: hello.physicalCores }, 'new host registered');
    }
    const previous = e.channel;
    const previousPeer = e.peer;
    const p = e.persisted;
    p.hello = hello;
    p.lastSeenMs = now;
    // Switch to the new stream before closing the old one, so the old stream's end (which calls
    // detach with its own attachment id) is recognised as stale and does not mark the host down.
    e.channel = channel;
    e.attachmentId = this.nextAttachmentId++;
    e.peer = peer;
    e.peerCertCn = peerCertCn;
    if (previous) {
      this.log.warn({ hostId: hello.hostId, oldPeer: previousPeer, peer }, 'host attached again; closing its previous stream');
      previous.close('replaced by a newer stream of the same host');
    }
    const lastSeqStored = p.lastSeqBySession[hello.sessionId] ?? 0n;
    // Remember the session now (as the newest) so its watermark is kept even before the first report.
    const sessions = trimSessions(p.lastSeqBySession, hello.sessionId);
    sessions[hello.sessionId] = lastSeqStored;
    p.lastSeqBySession = sessions;
    await this.save(e);
    this.setState(e, 'up', 'attached');
    this.log.info({ hostId: hello.hostId, peer, sessionId: hello.sessionId, lastSeqStored: lastSeqStored.toString() }, 'agent attached');
    return { lastSeqStored, assignment: p.assignment, attachmentId: e.attachmentId };
  }

  /** Any message from the agent counts as a sign of life. */
  touch(hostId: string, attachmentId: number): void {
    const e = this.hosts.get(hostId);
    if (!e || e.attachmentId !== attachmentId) return;
    e.persisted.lastSeenMs = this.now();
    if (e.state === 'down') this.setState(e, 'up', 'heard from again');
  }

  /**
   * Stores a report once per (host, session, seq). The host's latest report is kept as given: a
   * ColumnReport from the AgentLink decoder stays in its columns (pinned, so its stream decodes
   * the next report into its other buffer) and is built into objects only when read (views:
   * ListHosts, scrapes). Listeners of 'report' get it as it is; 'telemetry' (the whole report as
   * objects) is built only while someone listens to it.
   */
  ingest(hostId: string, attachmentId: number, given: IngestedReport | TelemetryTick): IngestResult {
    const report = 'tick' in given ? given : new TickReport(given);
    const e = this.hosts.get(hostId);
    if (!e || e.attachmentId !== attachmentId) return 'stale-attachment';
    this.touch(hostId, attachmentId);
    const p = e.persisted;
    const last = p.lastSeqBySession[report.sessionId] ?? 0n;
    if (report.seq <= last) {
      e.reportsDuplicate++;
      this.totalDuplicates++;
      return 'duplicate';
    }
    const maxSeq = this.maxSeq(e, report.sessionId, last);
    if (report.seq > maxSeq) {
      this.totalRejected++;
      this.log.warn(
        { hostId, sessionId: report.sessionId, lastSeq: last.toString(), seq: report.seq.toString(), maxSeq: maxSeq.toString() },
        'telemetry report rejected: seq jumps further than this session can have advanced',
      );
      return 'rejected';
    }
    if (report.seq > last + 1n && last > 0n) {
      this.log.warn({ hostId, sessionId: report.sessionId, afterSeq: last.toString(), nextSeq: report.seq.toString() }, 'telemetry gap: reports missing');
    }
    // A known session advances in place (no copy per report: saves take their own snapshot, see
    // snapshotPersisted); a new one goes through the trim that bounds sessions per host.
    if (Object.hasOwn(p.lastSeqBySession, report.sessionId)) {
      (p.lastSeqBySession as Record<string, bigint>)[report.sessionId] = report.seq;
    } else {
      const trimmed = trimSessions(p.lastSeqBySession, report.sessionId);
      trimmed[report.sessionId] = report.seq;
      p.lastSeqBySession = trimmed;
    }
    const sessions = p.lastSeqBySession;
    e.watermarkAtMs.set(report.sessionId, this.now());
    if (e.watermarkAtMs.size > MAX_SESSIONS_PER_HOST) {
      for (const s of e.watermarkAtMs.keys()) if (!(s in sessions)) e.watermarkAtMs.delete(s);
    }
    e.dirty = true;
    e.reportsReceived++;
    this.totalIngested++;
    // Reports replayed from the agent's buffer can arrive out of time order with live ones only
    // across sessions; within a session seq order is time order, so the newest seq is the latest.
    const latest = e.lastReportSeq === 0n || e.lastReportSessionId !== report.sessionId || report.seq > e.lastReportSeq;
    if (latest) {
      e.lastReportSessionId = report.sessionId;
      e.lastReportSeq = report.seq;
      const previous = e.lastReport;
      if (previous instanceof ColumnReport && previous !== report) previous.pinned = false;
      if (report instanceof ColumnReport) report.pinned = true;
      e.lastReport = report;
    }
    this.safeEmit('report', hostId, report, p.hello);
    if (this.listenerCount('telemetry') > 0) this.safeEmit('telemetry', hostId, report.tick(), this.view(e));
    return 'stored';
  }

  /** Highest seq a report of `sessionId` may carry now (see SEQ_SLACK). */
  private maxSeq(e: HostEntry, sessionId: string, last: bigint): bigint {
    if (last === 0n) return NEW_SESSION_MAX_SEQ;
    const since = e.watermarkAtMs.get(sessionId) ?? e.persisted.lastSeenMs;
    const elapsedMs = Math.max(0, this.now() - since);
    return last + SEQ_SLACK + BigInt(Math.ceil(elapsedMs / MIN_TICK_MS));
  }

  /** An AssignmentAck arrived. Only acks of a version the coordinator sent and awaits count. */
  async ack(hostId: string, attachmentId: number, ack: AssignmentAck): Promise<void> {
    const e = this.hosts.get(hostId);
    if (!e || e.attachmentId !== attachmentId) return;
    this.touch(hostId, attachmentId);
    const p = e.persisted;
    if (ack.version !== p.assignment?.version && !e.ackWaiters.has(ack.version)) {
      this.totalRejected++;
      this.log.warn(
        { hostId, version: ack.version.toString(), current: p.assignment?.version.toString() },
        'ack ignored: the coordinator did not send that assignment version (or no longer waits for it)',
      );
      return;
    }
    if (ack.ok) {
      if (ack.version > p.ackedAssignmentVersion) {
        p.ackedAssignmentVersion = ack.version;
        p.placements = ack.placements;
        await this.save(e);
      }
      const a = p.assignment;
      if (a && a.version === ack.version) this.safeEmit('assignment-applied', hostId, a, ack);
    } else {
      this.log.warn({ hostId, version: ack.version.toString(), error: ack.error, errorCode: ack.errorCode }, 'agent refused assignment');
    }
    const waiter = e.ackWaiters.get(ack.version);
    if (waiter) {
      e.ackWaiters.delete(ack.version);
      waiter(ack);
    }
  }

  /** The stream of this attachment ended. */
  detach(hostId: string, attachmentId: number, reason: string): void {
    const e = this.hosts.get(hostId);
    if (!e || e.attachmentId !== attachmentId) return;
    e.channel = undefined;
    e.peer = '';
    e.peerCertCn = '';
    this.setState(e, 'down', reason);
    e.dirty = true;
  }

  // ---- assignments (used by AssignmentService) ----

  /**
   * Makes `functions` the host's assignment under a new version, pushes it to the agent and
   * returns the new assignment and the previous one. Throws NotFoundError for an unknown host.
   */
  async issue(
    hostId: string,
    functions: Assignment['functions'],
    ackTimeoutMs?: number,
  ): Promise<{ assignment: Assignment; previous: Assignment | undefined; sent: boolean; ack: Promise<AssignmentAck | undefined> }> {
    const e = this.entry(hostId);
    const p = e.persisted;
    const previous = p.assignment;
    const version = maxBig(p.lastIssuedVersion, previous?.version ?? 0n, p.ackedAssignmentVersion, p.hello.runningAssignmentVersion) + 1n;
    const assignment: Assignment = { version, functions: functions.map((f) => ({ ...f })), issuedAtMs: this.now() };
    p.assignment = assignment;
    p.lastIssuedVersion = version;
    await this.save(e);
    // The waiter exists before the message leaves, so a fast ack cannot slip past it.
    const ack = ackTimeoutMs === undefined ? Promise.resolve(undefined) : this.waitForAck(hostId, version, ackTimeoutMs);
    const sent = e.channel?.sendAssignment(assignment) ?? false;
    this.log.info({ hostId, version: version.toString(), functions: functions.length, sent }, 'assignment issued');
    return { assignment, previous, sent, ack };
  }

  /**
   * Puts back the assignment a host had before a refused one (the agent never left it, so nothing
   * is sent and the version is not bumped).
   */
  async restoreDesired(hostId: string, previous: Assignment | undefined): Promise<void> {
    const e = this.entry(hostId);
    e.persisted.assignment = previous;
    await this.save(e);
  }

  /** Resolves with the agent's ack of `version`, or undefined after `timeoutMs`. */
  private waitForAck(hostId: string, version: bigint, timeoutMs: number): Promise<AssignmentAck | undefined> {
    const e = this.entry(hostId);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        e.ackWaiters.delete(version);
        resolve(undefined);
      }, timeoutMs);
      e.ackWaiters.set(version, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  /** Reports a failed assignment to listeners (the ack said no, it timed out, or the host is down). */
  reportFailure(hostId: string, assignment: Assignment, error: string, errorCode: string): void {
    this.safeEmit('assignment-failed', hostId, assignment, error, errorCode);
  }

  // ---- reads ----

  get(hostId: string): HostView {
    return this.view(this.entry(hostId));
  }

  /** The host's last Hello (no view copy: the ingest path calls this per report). */
  hello(hostId: string): Hello {
    return this.entry(hostId).persisted.hello;
  }

  has(hostId: string): boolean {
    return this.hosts.has(hostId);
  }

  list(): HostView[] {
    return [...this.hosts.values()].map((e) => this.view(e)).sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  /** Host ids in code-unit order (cached: do not modify), for readers that visit hosts one at a time. */
  hostIds(): readonly string[] {
    return this.sortedIds();
  }

  /**
   * A host as the /metrics scrape reads it, without building a view or the report's objects: its
   * state, its latest report as kept (columns) and its assignment. Read it at once and let go: a
   * ColumnReport that is no longer a host's latest is rewritten by its stream, so it must never be
   * held across an await.
   */
  scrapeRow(hostId: string): ScrapeRow | undefined {
    const e = this.hosts.get(hostId);
    if (!e) return undefined;
    return { state: e.state, report: e.lastReport, assignment: e.persisted.assignment };
  }

  /**
   * One page of hosts in host id order (code-unit order), after `afterHostId` (exclusive; '' for
   * the first page): at most `limit` hosts, fewer once their hosts' weight (weightOf, e.g. the
   * function entries each would put on the wire) reaches `budget`, but always at least one. Only
   * the page's hosts are viewed, so a call costs the page, not the registry (ListHosts paging).
   */
  listPage(afterHostId: string, limit: number, budget: number, weightOf: (h: HostView) => number): { hosts: HostView[]; more: boolean; total: number } {
    const ids = this.sortedIds();
    // First id strictly greater than afterHostId (binary search).
    let lo = 0;
    let hi = ids.length;
    if (afterHostId !== '') {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((ids[mid] as string) <= afterHostId) lo = mid + 1;
        else hi = mid;
      }
    }
    const hosts: HostView[] = [];
    let weight = 0;
    let i = lo;
    for (; i < ids.length && hosts.length < limit; i++) {
      const v = this.view(this.hosts.get(ids[i] as string) as HostEntry);
      const w = weightOf(v);
      if (hosts.length > 0 && weight + w > budget) break;
      hosts.push(v);
      weight += w;
    }
    return { hosts, more: i < ids.length, total: ids.length };
  }

  /** Host ids in code-unit order, rebuilt only after a host was added. */
  private sortedIds(): string[] {
    if (this.sortedIdCache === undefined || this.sortedIdCache.length !== this.hosts.size) {
      this.sortedIdCache = [...this.hosts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return this.sortedIdCache;
  }

  counts(): { up: number; down: number; reportsIngested: number; reportsDuplicate: number; messagesRejected: number } {
    let up = 0;
    for (const e of this.hosts.values()) if (e.state === 'up') up++;
    return {
      up,
      down: this.hosts.size - up,
      reportsIngested: this.totalIngested,
      reportsDuplicate: this.totalDuplicates,
      messagesRejected: this.totalRejected,
    };
  }

  // ---- internals ----

  private entry(hostId: string): HostEntry {
    const e = this.hosts.get(hostId);
    if (!e) throw new NotFoundError('host', hostId);
    return e;
  }

  private newEntry(persisted: PersistedHost, state: HostState, now: number): HostEntry {
    return {
      persisted,
      state,
      stateSinceMs: now,
      lastReport: undefined,
      lastReportSessionId: '',
      lastReportSeq: 0n,
      reportsReceived: 0,
      reportsDuplicate: 0,
      peer: '',
      peerCertCn: '',
      channel: undefined,
      attachmentId: 0,
      dirty: false,
      ackWaiters: new Map(),
      watermarkAtMs: new Map(),
    };
  }

  private setState(e: HostEntry, state: HostState, reason: string): void {
    if (e.state === state) return;
    e.state = state;
    e.stateSinceMs = this.now();
    const hostId = e.persisted.hostId;
    if (state === 'up') {
      this.log.info({ hostId, reason }, 'host up');
      this.safeEmit('host-up', this.view(e));
    } else {
      this.log.warn({ hostId, reason }, 'host down');
      this.safeEmit('host-down', this.view(e), reason);
    }
  }

  /** Listeners must not throw; if one does, ingestion goes on and the error is logged. */
  private safeEmit<K extends keyof RegistryEvents>(event: K, ...args: RegistryEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: RegistryEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.log.error({ err, event }, 'registry event listener threw');
    }
  }

  /**
   * Marks hosts silent for longer than hostDownAfterMs down (run by a timer; public for tests).
   * Silence is counted only while the coordinator could listen: a sweep that runs more than two
   * sweep periods after the previous one means the event loop was stalled (a slow call, a GC
   * pause, a huge message being refused), and the agents' messages are waiting in their sockets,
   * not missing. Such a stall restarts every host's silence clock at its end, so a host is marked
   * down only after hostDownAfterMs of real silence after the coordinator could hear it again.
   */
  checkLiveness(): void {
    const now = this.now();
    const last = this.lastSweepMs;
    this.lastSweepMs = now;
    if (last !== undefined && now - last > 2 * this.sweepMs) {
      this.listeningSinceMs = now;
      this.log.warn({ stalledMs: now - last }, 'event loop stalled; host silence is counted from now (no host marked down for the stall)');
    }
    for (const e of this.hosts.values()) {
      const silentMs = now - Math.max(e.persisted.lastSeenMs, this.listeningSinceMs);
      if (e.state === 'up' && silentMs > this.opts.hostDownAfterMs) {
        this.setState(e, 'down', `silent for ${silentMs} ms (limit ${this.opts.hostDownAfterMs} ms)`);
      }
    }
  }

  private async save(e: HostEntry): Promise<void> {
    e.dirty = false;
    await this.opts.store?.saveHost(snapshotPersisted(e.persisted));
  }

  /**
   * Writes every host's watermark into one file (StateStore.saveWatermarks) when any moved: one
   * atomic write per flush interval, not one per host. Host files are written when their other
   * fields change (attach, assignment, ack).
   */
  private async flushDirty(): Promise<void> {
    let any = false;
    for (const e of this.hosts.values()) {
      if (e.dirty) any = true;
      e.dirty = false;
    }
    if (!any || !this.opts.store) return;
    const marks: HostWatermark[] = [];
    for (const e of this.hosts.values()) {
      const p = e.persisted;
      marks.push({ hostId: p.hostId, lastSeenMs: p.lastSeenMs, lastSeqBySession: { ...p.lastSeqBySession } });
    }
    try {
      await this.opts.store.saveWatermarks(marks);
    } catch (err) {
      for (const e of this.hosts.values()) e.dirty = true;
      this.log.error({ err }, 'cannot save telemetry watermarks');
    }
  }

  /** A view of the host. */
  private view(e: HostEntry): HostView {
    const p = e.persisted;
    const kept = e.lastReport;
    // A ColumnReport is rewritten by its stream once it is no longer the latest: the view reads
    // the generation it was taken at, or the host's newer latest report if that one moved on.
    const generation = kept instanceof ColumnReport ? kept.generation : 0;
    let lastReport: TelemetryTick | undefined;
    return {
      hostId: p.hostId,
      state: e.state,
      hello: p.hello,
      registeredAtMs: p.registeredAtMs,
      lastSeenMs: p.lastSeenMs,
      stateSinceMs: e.stateSinceMs,
      // Built from its columns only when read, once per view.
      get lastReport(): TelemetryTick | undefined {
        if (lastReport === undefined && kept !== undefined) {
          const current = kept instanceof ColumnReport && kept.generation !== generation ? e.lastReport : kept;
          lastReport = current?.tick();
        }
        return lastReport;
      },
      reportsReceived: e.reportsReceived,
      reportsDuplicate: e.reportsDuplicate,
      assignment: p.assignment,
      ackedAssignmentVersion: p.ackedAssignmentVersion,
      placements: p.placements,
      peer: e.peer,
      peerCertCn: e.peerCertCn,
    };
  }
}

function maxBig(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a), 0n);
}

/** Keeps the newest MAX_SESSIONS_PER_HOST - 1 sessions plus room for `adding` (insertion order). */
function trimSessions(sessions: Readonly<Record<string, bigint>>, adding: string): Record<string, bigint> {
  const entries = Object.entries(sessions).filter(([s]) => s !== adding);
  return Object.fromEntries(entries.slice(Math.max(0, entries.length - (MAX_SESSIONS_PER_HOST - 1))));
}

/** A copy safe to serialise while the registry keeps mutating the original. */
function snapshotPersisted(p: PersistedHost): PersistedHost {
  return { ...p, lastSeqBySession: { ...p.lastSeqBySession } };
}
