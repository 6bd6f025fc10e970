// Prometheus /metrics of the coordinator: its own figures through prom-client (hosts up/down,
// reports ingested, duplicates and rejected, the default process metrics), then the per-host and
// per-function families rendered as text straight from the registry (cluster-metrics-text.ts: at
// 1,000 hosts x 200 functions prom-client took seconds for those). Values are read from their
// owners at scrape time, so nothing is double-counted here.
import type { Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createGuardedServer, splitHostPort, type HttpSecurity, type Logger, type Service } from '@isawatt/common';
import type { HostRegistry } from '../registry/host-registry.js';
import type { AgentLinkStats } from '../server/agent-link-service.js';
import { ClusterMetricsText, type PduLatest } from './cluster-metrics-text.js';

export interface MetricsServiceOptions {
  listen: string;
  /** HTTPS, client certificates and/or a bearer token (config metricsTls, metricsTokenFile). */
  security?: HttpSecurity;
  registry: HostRegistry;
  agentLinkStats: AgentLinkStats;
  /** Latest PDU readings (cluster metrics); absent without MQTT. */
  pdu?: PduLatest | undefined;
  log: Logger;
}

export class MetricsService implements Service {
  readonly name = 'metrics';
  readonly prom = new Registry();
  private readonly log: Logger;
  private server: Server | undefined;
  private boundPort = 0;
  private readonly cluster: ClusterMetricsText;
  private rendering: Promise<Buffer[]> | undefined;

  constructor(private readonly opts: MetricsServiceOptions) {
    this.log = opts.log.child({ component: this.name });
    collectDefaultMetrics({ register: this.prom, prefix: 'isawatt_coordinator_' });
    const reg = opts.registry;
    new Gauge({
      name: 'isawatt_coordinator_hosts',
      help: 'Registered hosts by state',
      labelNames: ['state'],
      registers: [this.prom],
      collect(): void {
        const c = reg.counts();
        this.set({ state: 'up' }, c.up);
        this.set({ state: 'down' }, c.down);
      },
    });
    // Counters mirror totals kept by their owners; inc by the delta since the last scrape.
    const mirror = (name: string, help: string, read: () => number): void => {
      let last = 0;
      new Counter({
        name,
        help,
        registers: [this.prom],
        collect(): void {
          const now = read();
          this.inc(Math.max(0, now - last));
          last = now;
        },
      });
    };
    mirror('isawatt_coordinator_reports_ingested_total', 'Telemetry reports stored (deduplicated)', () => reg.counts().reportsIngested);
    mirror('isawatt_coordinator_reports_duplicate_total', 'Telemetry reports received again and dropped', () => reg.counts().reportsDuplicate);
    mirror('isawatt_coordinator_reports_rejected_total', 'Malformed telemetry reports rejected', () => opts.agentLinkStats.reportsRejected);
    mirror(
      'isawatt_coordinator_agent_streams_refused_total',
      'Agent streams refused (bad Hello, certificate mismatch)',
      () => opts.agentLinkStats.streamsRefused,
    );
    this.cluster = new ClusterMetricsText(reg, opts.pdu);
  }

  /**
   * The whole exposition: prom-client's families, then the cluster families (each chunk starts
   * with the blank line that separates families, as prom-client's own output does). Scrapes that
   * arrive while one is rendering get that one's answer: at 1,000 hosts a render is ~43 MB, and
   * several scrapers (or one that retries) must not each hold their own.
   */
  render(): Promise<Buffer[]> {
    this.rendering ??= (async () => {
      try {
        const own = Buffer.from(await this.prom.metrics(), 'utf8');
        return [own, ...(await this.cluster.render())];
      } finally {
        this.rendering = undefined;
      }
    })();
    return this.rendering;
  }

  get port(): number {
    return this.boundPort;
  }

  async init(): Promise<void> {
    const { host, port } = splitHostPort(this.opts.listen, 'metricsListen');
    const guarded = createGuardedServer(this.opts.security ?? {}, { tls: 'metricsTls', token: 'metricsTokenFile' }, (req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
        return;
      }
      this.render().then(
        (chunks) => {
          const length = chunks.reduce((s, c) => s + c.length, 0);
          res.writeHead(200, { 'content-type': this.prom.contentType, 'content-length': length });
          for (const c of chunks) res.write(c);
          res.end();
        },
        (err: unknown) => {
          this.log.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
    });
    const server = guarded.server;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`metrics ${this.opts.listen}: cannot listen: ${err.message}`, { cause: err })));
      server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
    this.log.info({ listen: this.opts.listen, port: this.boundPort, scheme: guarded.scheme, auth: guarded.auth }, 'metrics listening');
  }

  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  async shutdown(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
