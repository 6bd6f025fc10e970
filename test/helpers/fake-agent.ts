// FakeAgent: a real AgentLink gRPC client that plays an agent without hardware (tests and the
// telemetry-ingest bench). It sends a Hello, honours Welcome.last_seq_stored (drops what the
// coordinator already has, resends the rest), emits synthetic reports with N functions, and
// acks assignments (ok, or refused when `refuse` says so). Its figures are synthetic and labelled
// QUALITY_EMULATED; it is only ever used where the coordinator, not the agent, is under test.
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { loadProtos, type wire } from '@isawatt/common';

export interface FakeAgentOptions {
  address: string;
  hostId: string;
  arch?: 'ARCH_X86_64' | 'ARCH_AARCH64';
  sockets?: number;
  physicalCores?: number;
  functionCpus?: number;
  /** Functions in the catalogue and in every report. */
  functions?: number;
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
  /** Decide the ack of an assignment: return an error code + message to refuse. */
  refuse?: (a: wire.Assignment__Output) => { code: string; error: string } | undefined;
  /** Do not answer assignments at all (to test ack timeouts). */
  silent?: boolean;
  /** Fields to override in Hello (hostile or malformed values in security tests). */
  helloOverrides?: Partial<wire.Hello>;
  /** Use this session id instead of a fresh one (to play a reconnect of the same agent process). */
  sessionId?: string;
  /** HOST:PORT advertised as the agent's /invoke endpoint (the gateway's target). */
  invokeAddress?: string;
  /** How the gateway calls invokeAddress (default "http"). */
  invokeScheme?: 'http' | 'https';
  /** Overrides of function i's figures in each report (e.g. a telemetry stream with a known truth). */
  functionTick?: (i: number, seq: bigint) => Partial<wire.FunctionEnergy>;
  /** Report timestamps (default: the wall clock), e.g. a virtual clock of 1 s per tick. */
  nowMs?: (seq: bigint) => number;
}

export function functionName(i: number): string {
  return `fn-${String(i).padStart(3, '0')}`;
}

export class FakeAgent {
  readonly sessionId: string;
  readonly client: wire.AgentLinkClient;
  private call: grpc.ClientDuplexStream<wire.AgentMessage, wire.CoordinatorMessage__Output> | undefined;
  private seq = 0n;
  /** Reports not yet confirmed by a Welcome (resent on attach). */
  private buffer: wire.TelemetryReport[] = [];
  readonly assignments: wire.Assignment__Output[] = [];
  runningVersion = 0n;
  welcome: wire.Welcome__Output | undefined;

  constructor(readonly opts: FakeAgentOptions) {
    this.sessionId = opts.sessionId ?? randomUUID();
    const Ctor = loadProtos().isawatt.v1.AgentLink;
    this.client = new Ctor(opts.address, opts.credentials ?? grpc.credentials.createInsecure(), opts.channelOptions ?? {});
  }

  hello(): wire.Hello {
    const n = this.opts.functions ?? 4;
    return {
      host_id: this.opts.hostId,
      arch: this.opts.arch ?? 'ARCH_X86_64',
      cpu_model: this.opts.arch === 'ARCH_AARCH64' ? 'fake aarch64 host' : 'fake x86_64 host',
      sockets: this.opts.sockets ?? 1,
      physical_cores: this.opts.physicalCores ?? 8,
      logical_cpus: this.opts.physicalCores ?? 8,
      function_cpus: Array.from({ length: this.opts.functionCpus ?? 6 }, (_, i) => i + 2),
      host_type: 'fake',
      energy_sources: [
        { kind: 'emulated', path: 'model', quality: 'QUALITY_EMULATED', domains: ['package-0'], primary: true, detail: 'FakeAgent (test helper)' },
      ],
      counter_source: 'cgroup-cputime',
      pinning: 'sched-affinity',
      catalogue: Array.from({ length: n }, (_, i) => ({ name: functionName(i), version: '1', runtime: 'node', category: 'test', runnable: true })),
      agent_version: 'fake-agent',
      session_id: this.sessionId,
      emulated: true,
      emulated_profile: 'fake-agent',
      running_assignment_version: this.runningVersion.toString(),
      memory_bytes: String(8 * 2 ** 30),
      idle_power_w: 20,
      invoke_address: this.opts.invokeAddress ?? '',
      invoke_scheme: this.opts.invokeAddress ? (this.opts.invokeScheme ?? 'http') : '',
      ...this.opts.helloOverrides,
    };
  }

  /** Opens the stream, sends Hello and resolves with the Welcome (rejects on a refused stream). */
  attach(): Promise<wire.Welcome__Output> {
    const call = this.client.Attach();
    this.call = call;
    return new Promise((resolve, reject) => {
      let welcomed = false;
      call.on('data', (msg: wire.CoordinatorMessage__Output) => {
        if (msg.welcome) {
          welcomed = true;
          this.welcome = msg.welcome;
          const stored = BigInt(msg.welcome.last_seq_stored);
          this.buffer = this.buffer.filter((r) => BigInt(r.seq as string) > stored);
          for (const r of this.buffer) call.write({ telemetry: r });
          if (msg.welcome.has_assignment && msg.welcome.assignment) this.apply(msg.welcome.assignment);
          resolve(msg.welcome);
        } else if (msg.assignment) this.apply(msg.assignment);
      });
      call.on('error', (err) => {
        if (!welcomed) reject(err);
      });
      call.on('end', () => {
        if (!welcomed) reject(new Error('stream ended before Welcome'));
      });
      call.write({ hello: this.hello() });
    });
  }

  private apply(a: wire.Assignment__Output): void {
    this.assignments.push(a);
    if (this.opts.silent) return;
    const refusal = this.opts.refuse?.(a);
    if (refusal) {
      this.call?.write({ assignment_ack: { version: a.version, ok: false, error: refusal.error, error_code: refusal.code } });
      return;
    }
    this.runningVersion = BigInt(a.version);
    let cpu = 2;
    const placements = a.functions
      .filter((f) => f.cores > 0)
      .map((f) => {
        const cpus = Array.from({ length: f.cores }, () => cpu++);
        return { function: f.function, cpus, worker_pids: cpus.map((c) => 10_000 + c) };
      });
    this.call?.write({ assignment_ack: { version: a.version, ok: true, placements } });
  }

  /** Builds the next report; sends it when attached, else only buffers it. */
  tick(intervalMs = 1000, send = true): wire.TelemetryReport {
    this.seq++;
    const n = this.opts.functions ?? 4;
    const functions: wire.FunctionEnergy[] = [];
    let dyn = 0;
    for (let i = 0; i < n; i++) {
      const uj = 10_000 + ((i * 7919 + Number(this.seq)) % 5000);
      dyn += uj;
      functions.push({
        function: functionName(i),
        dynamic_energy_uj: String(uj),
        total_energy_uj: String(uj + 1000),
        power_w: (uj + 1000) / 1000 / intervalMs,
        cpu_time_us: String(1000 + i),
        cores: 1,
        // As a current agent sends them: arrivals counted, completions broken down by age.
        invocations: {
          completed: '10',
          errors: '0',
          timeouts: '0',
          dropped: '0',
          arrived: '10',
          completed_by_age: ['8', '2'],
          latency_p50_ms: 1,
          latency_p95_ms: 2,
          latency_p99_ms: 3,
          achieved_rps: 10,
        },
        quality: 'QUALITY_EMULATED',
        ...this.opts.functionTick?.(i, this.seq),
      });
    }
    const idle = 20 * intervalMs * 1000;
    const report: wire.TelemetryReport = {
      seq: this.seq.toString(),
      timestamp_ms: String(this.opts.nowMs ? this.opts.nowMs(this.seq) : Date.now()),
      interval_ms: intervalMs,
      session_id: this.sessionId,
      cpu_utilization: 0.5,
      host_energy_uj: String(dyn + idle),
      host_power_w: (dyn + idle) / 1000 / intervalMs,
      host_quality: 'QUALITY_EMULATED',
      energy_source: 'emulated',
      domains: [
        {
          domain: 'package-0',
          socket: 0,
          energy_uj: String(dyn + idle),
          power_w: (dyn + idle) / 1000 / intervalMs,
          quality: 'QUALITY_EMULATED',
          source: 'emulated',
          in_host_total: true,
        },
      ],
      attribution: 'cputime-share',
      model_error_w: -1,
      idle_energy_uj: String(idle),
      functions,
      assignment_version: this.runningVersion.toString(),
    };
    this.buffer.push(report);
    // Bounded like the real agent's buffer: the oldest reports go first.
    if (this.buffer.length > 3600) this.buffer.shift();
    if (send && this.call) this.call.write({ telemetry: report });
    return report;
  }

  /** Sends any message on the open stream (hostile tests: forged seqs and acks). */
  send(msg: wire.AgentMessage): void {
    if (!this.call) throw new Error('FakeAgent.send: not attached');
    this.call.write(msg);
  }

  /** Resolves with the error that ends the open stream (e.g. the coordinator refusing a message). */
  streamError(): Promise<grpc.ServiceError> {
    const call = this.call;
    if (!call) throw new Error('FakeAgent.streamError: not attached');
    return new Promise((resolve) => call.on('error', (err: grpc.ServiceError) => resolve(err)));
  }

  get lastSeq(): bigint {
    return this.seq;
  }

  /** Ends the stream (the agent goes away cleanly). */
  detach(): void {
    this.call?.end();
    this.call = undefined;
  }

  close(): void {
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }
}
