// Wiring of the coordinator daemon: the only place that builds concrete objects. It turns a
// resolved config into a list of Services (state store + registry, gRPC server, metrics, MQTT) and
// runs them under common/lifecycle (SIGTERM/SIGINT: bounded graceful stop, second signal forces).
// To add a component, build it in `buildCoordinator` and push its Service(s) onto `services`.
import { createLogger, runServices, type Logger, type Service } from '@isawatt/common';
import { AssignmentService } from './assignments/assignment-service.js';
import { AutoReplanner } from './autoreplan/auto-replanner.js';
import { EventLog } from './autoreplan/event-log.js';
import { controlSocketPath, describeConfig, type CoordinatorConfig } from './config.js';
import { Registry } from 'prom-client';
import { GatewayServer } from './gateway/gateway-server.js';
import { ModelLearner } from './learning/model-learner.js';
import { loadModelsFile } from './workload/parse.js';
import { MetricsService } from './metrics/metrics-service.js';
import { createMqtt, type MqttWiring } from './mqtt/create-mqtt.js';
import { registerMqttMetrics } from './mqtt/metrics.js';
import { RegistryBridgeSource } from './mqtt/registry-source.js';
import { CampaignStore } from './profiling/campaign-store.js';
import { ProfileBroker } from './profiling/profile-broker.js';
import { HostRegistry } from './registry/host-registry.js';
import { AgentLinkService } from './server/agent-link-service.js';
import { ControlService } from './server/control-service.js';
import { GrpcServer, routeGrpcLogs } from './server/grpc-server.js';
import { StateStore } from './store/state-store.js';
import { RunStore } from './runs/run-store.js';
import { join } from 'node:path';
import { COORDINATOR_VERSION } from './version.js';

/** The registry and its state directory as one Service: load at init, flush at shutdown. */
class RegistryService implements Service {
  readonly name = 'registry';
  constructor(
    private readonly store: StateStore,
    private readonly registry: HostRegistry,
    private readonly cluster: string,
    private readonly runs: RunStore,
  ) {}
  async init(): Promise<void> {
    await this.store.init(this.cluster);
    await this.runs.init();
    await this.registry.start();
  }
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  async shutdown(): Promise<void> {
    await this.registry.stop();
  }
}

export interface Coordinator {
  /** In init order. */
  services: Service[];
  registry: HostRegistry;
  assignments: AssignmentService;
  agentLink: AgentLinkService;
  control: ControlService;
  grpc: GrpcServer;
  metrics: MetricsService | undefined;
  mqtt: MqttWiring;
  gateway: GatewayServer | undefined;
  autoReplan: AutoReplanner | undefined;
}

export function buildCoordinator(config: CoordinatorConfig, log: Logger): Coordinator {
  const store = new StateStore(config.stateDir, log.child({ component: 'store' }));
  const registry = new HostRegistry({ store, hostDownAfterMs: config.hostDownAfterMs, flushIntervalMs: config.stateFlushIntervalMs, log });
  const assignments = new AssignmentService(registry, log);
  const mtls = config.tls.caFile !== undefined;
  const campaigns = new CampaignStore(config.stateDir);
  const profiler = new ProfileBroker(registry, campaigns, log);
  const agentLink = new AgentLinkService({
    registry,
    cluster: config.cluster,
    mtls,
    tickIntervalMs: config.tickIntervalMs,
    onBagResult: (hostId, r) => profiler.onBagResult(hostId, r),
    log,
  });
  profiler.attachChannel(agentLink);
  const runs = new RunStore(join(config.stateDir, 'runs'), log.child({ component: 'runs' }));
  const mqtt = createMqtt({ config: config.mqtt, cluster: config.cluster, stateDir: config.stateDir, source: new RegistryBridgeSource(registry), log });
  // Online model refinement: every ingested report feeds the learner (docs/placement.md).
  const prior = config.modelsFile !== undefined ? loadModelsFile(config.modelsFile) : undefined;
  const learner = new ModelLearner({ prior, log: log.child({ component: 'model-learner' }) });
  // It reads the report's columns ('report'), so no objects are built per report for it.
  registry.on('report', (_hostId, report, hello) => learner.observeReport(hello.hostType, report));
  const control = new ControlService({
    registry,
    assignments,
    profiler,
    campaigns,
    cluster: config.cluster,
    version: COORDINATOR_VERSION,
    pduSource: mqtt.pduStore,
    mqttStatus: () => mqtt.status(),
    runs,
    announcer: mqtt.bridge,
    learner: { learner, priorSource: prior ? `${config.modelsFile}${prior.source ? ` (${prior.source})` : ''}` : '', tauS: learner.tauSeconds },
    log,
  });
  const grpc = new GrpcServer({
    listen: config.listen,
    tls: config.tls,
    insecure: config.insecure,
    controlSocket: controlSocketPath(config),
    controlSocketMode: parseInt(config.controlSocketMode, 8),
    controlSocketGroup: config.controlSocketGroup,
    agentLink,
    control,
    log,
  });
  const metrics = config.metricsListen
    ? new MetricsService({
        listen: config.metricsListen,
        security: { tls: config.metricsTls, tokenFile: config.metricsTokenFile },
        registry,
        agentLinkStats: agentLink.stats,
        pdu: mqtt.pduStore,
        log,
      })
    : undefined;
  if (metrics) registerMqttMetrics(metrics.prom, mqtt);
  // Order: state first (the registry must be loaded before agents can attach), MQTT before the
  // server so the bridge sees the first host-up events, the server last.
  const gatewayListen = config.gateway.listen;
  const gateway = gatewayListen
    ? new GatewayServer({
        config: { ...config.gateway, listen: gatewayListen },
        coordinatorTls: config.tls,
        registry,
        prom: metrics?.prom ?? new Registry(),
        log,
      })
    : undefined;
  // Auto-replan needs the profiled models (the config refuses it without modelsFile).
  const autoReplan =
    config.autoReplan.enabled && prior
      ? new AutoReplanner({
          config: config.autoReplan,
          models: prior,
          registry,
          assignments,
          events: new EventLog(config.stateDir, config.autoReplan.eventsMax),
          publish: mqtt.bridge ? (fields) => mqtt.bridge?.publishReplanEvent(fields) : undefined,
          log,
        })
      : undefined;
  const services: Service[] = [
    new RegistryService(store, registry, config.cluster, runs),
    ...mqtt.services,
    ...(metrics ? [metrics] : []),
    grpc,
    ...(gateway ? [gateway] : []),
    ...(autoReplan ? [autoReplan] : []),
  ];
  return { services, registry, assignments, agentLink, control, grpc, metrics, mqtt, gateway, autoReplan };
}

/** Builds the root logger for the daemon (pino JSON to stdout). */
export function coordinatorLogger(config: CoordinatorConfig): Logger {
  return createLogger({ name: 'isawatt-coordinator', level: config.logLevel });
}

/** Logs the resolved config (no secrets) and config warnings, then runs until a signal. */
export async function runCoordinator(config: CoordinatorConfig, warnings: readonly string[], log: Logger): Promise<string> {
  log.info({ version: COORDINATOR_VERSION, config: describeConfig(config) }, 'starting coordinator');
  for (const w of warnings) log.warn({ warning: w }, 'config warning');
  routeGrpcLogs(log);
  const c = buildCoordinator(config, log);
  const reason = await runServices(c.services, { log, shutdownGraceMs: config.shutdownGraceMs });
  log.info({ reason }, 'coordinator stopped');
  log.flush();
  return reason;
}
