// isawatt-agent entry point and the only place that builds concrete objects (Kepler's main.go):
// config -> logger -> hardware -> meter/activity/attribution/runtime -> telemetry monitor ->
// coordinator link -> HTTP endpoint, then runServices until a signal or a failure.
//
//   node --conditions=source --import tsx packages/agent/src/main.ts --coordinator 127.0.0.1:7000 ...
//   isawatt-agent --coordinator 127.0.0.1:7000 ...   (bin/isawatt-agent.mjs)
import { clientCredentials, createLogger, errorMessage, EXIT, exitWithParentOrQuit, runServices, type Logger, type Service, msToS } from '@isawatt/common';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributor } from './attribution/attributor.js';
import { createAttributor, resolveAttributionMethod } from './attribution/create-attributor.js';
import { runCli } from './cli/index.js';
import type { ActivitySource } from './counters/activity-source.js';
import { createActivitySource } from './counters/create-activity-source.js';
import { HwpcReportSource } from './counters/hwpc-report-source.js';
import { StaleFallbackSource } from './counters/stale-fallback-source.js';
import { hwpcHealth, registerHwpcMetrics, type HwpcMetricsSource } from './export/hwpc-metrics.js';
import { raiseAgentCpuWeight } from './emulation/agent-weight.js';
import { EmulatedHost } from './emulation/emulated-host.js';
import { getProfile } from './emulation/profiles.js';
import { PrometheusExporter } from './export/prometheus.js';
import { createFrequencyReader, DEFAULT_FREQUENCY_READERS } from './frequency/create-frequency-reader.js';
import type { FrequencyReader } from './frequency/frequency-reader.js';
import { defaultFunctionsDir, describeConfig, type LoadedAgentConfig, type ResolvedAgentConfig } from './config.js';
import { detectHardware, type HostHardware } from './hardware/detect.js';
import { SystemInformationProbe } from './hardware/live-probe.js';
import { healthzRoute } from './http/healthz.js';
import { AgentHttpServer } from './http/server.js';
import { CoordinatorLink, routeGrpcLogs } from './link/coordinator-client.js';
import type { HelloInfo } from './link/hello-info.js';
import { ProfileExecutor } from './profiling/profile-executor.js';
import { createInvokeHandler } from './runtime/invoke-handler.js';
import { LocalFunctionRuntime } from './runtime/local-function-runtime.js';
import { createMeter, DEFAULT_METERS, type EnergySourceRecord } from './sensors/create-meter.js';
import type { EnergyMeter } from './sensors/energy-meter.js';
import { systemClock } from './telemetry/clock.js';
import { TelemetryMonitor } from './telemetry/monitor.js';

/** The agent's version, from its package.json (one level above src/ and dist/). */
export function agentVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const LIVE_PROCFS = '/proc';
const LIVE_SYSFS = '/sys';

function isLiveHost(config: ResolvedAgentConfig): boolean {
  return config.host.procfs === LIVE_PROCFS && config.host.sysfs === LIVE_SYSFS;
}

/** The runtime's cgroup subtree. Emulated agents share a machine: each owns and cleans only its own. */
function cgroupSubtree(config: ResolvedAgentConfig): string {
  return config.emulate === undefined ? 'isawatt' : `isawatt-${config.hostId}`;
}

/**
 * The function runtime, or undefined when functions cannot run here. On a fixture tree (roots that
 * describe another machine) workers would land on this machine's CPUs under the fixture's CPU ids,
 * so the runtime stays off and assignments are acked "runtime unavailable".
 */
async function createRuntime(
  config: ResolvedAgentConfig,
  hardware: HostHardware,
  log: Logger,
  emulated?: EmulatedHost,
): Promise<LocalFunctionRuntime | undefined> {
  if (!isLiveHost(config) && config.emulate === undefined) {
    log.warn({ procfs: config.host.procfs, sysfs: config.host.sysfs }, 'function runtime off: the host roots describe another machine (fixture tree)');
    return undefined;
  }
  try {
    return await LocalFunctionRuntime.create({
      functionsDir: config.functionsDir ?? defaultFunctionsDir(),
      log,
      cgroupRoot: config.host.cgroupfs,
      cgroupSubtree: cgroupSubtree(config),
      procRoot: LIVE_PROCFS,
      sysfsRoot: LIVE_SYSFS,
      reservedCpus: hardware.reservedCpus,
      // Emulated: workers of emulated CPUs, each a bandwidth-limited slice of this machine's CPUs.
      ...(emulated !== undefined ? { topology: emulated.topology(), emulatedCpus: emulated.cpuPolicy() } : {}),
    });
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'function runtime unavailable; assignments will be refused');
    return undefined;
  }
}

/**
 * The cgroup directory hwpc-sensor's cgroup_basepath must name by default: the agent's function
 * subtree in the cgroup2 hierarchy (hybrid hosts mount it at <cgroupfs>/unified), whose children
 * are the function cgroups. perf-based sensors count cgroup2 directories on both layouts.
 */
function defaultHwpcCgroupBase(config: ResolvedAgentConfig): string {
  const unified = join(config.host.cgroupfs, 'unified');
  const v2 = existsSync(join(unified, 'cgroup.controllers')) ? unified : config.host.cgroupfs;
  return join(v2, cgroupSubtree(config));
}

/** Nominal MHz from a model string such as "... CPU @ 2.10GHz" (the base of APERF/MPERF). */
export function nominalMhzFromModel(model: string): number | undefined {
  const m = /@\s*(\d+(?:\.\d+)?)\s*GHz/i.exec(model);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/**
 * hwpc-sensor reports, with the "auto" source (perf, else cgroup CPU time) as the fallback while the
 * sensor is silent. A sensor input that cannot start (port taken, CSV directory unreadable) stops
 * the agent: the operator asked for it explicitly.
 */
async function createHwpcActivity(
  config: ResolvedAgentConfig,
  hardware: HostHardware,
  log: Logger,
): Promise<{ source: StaleFallbackSource; metrics: HwpcMetricsSource }> {
  const h = config.hwpc;
  const cgroupBasePath = h.cgroupBase ?? defaultHwpcCgroupBase(config);
  const cpuBaseFreqMhz = h.cpuBaseFreqMhz ?? nominalMhzFromModel(hardware.cpuModel);
  const hwpcLog = log.child({ component: 'hwpc-sensor' });
  if (cpuBaseFreqMhz === undefined)
    hwpcLog.warn({ cpuModel: hardware.cpuModel }, 'no nominal frequency in the CPU model; APERF/MPERF frequencies assume 2100 MHz (set hwpc.cpuBaseFreqMhz)');
  const primary = new HwpcReportSource({
    ...(h.listen ? { listen: h.listen } : {}),
    ...(h.csvDir ? { csvDirectory: h.csvDir } : {}),
    cgroupBasePath,
    timeSemantics: h.timeSemantics,
    sensorFrequencyMs: h.sensorFrequencyMs,
    ...(cpuBaseFreqMhz !== undefined ? { cpuBaseFreqMhz } : {}),
    log,
  });
  await primary.init();
  hwpcLog.info(
    { listen: primary.stats().listening, csvDir: h.csvDir, cgroupBasePath, staleAfterMs: h.staleAfterMs },
    "hwpc-sensor input ready; point the sensor's cgroup_basepath here",
  );
  let fallback: ActivitySource | undefined;
  try {
    fallback = await createActivitySource(
      'auto',
      { perf: { intervalMs: config.tickIntervalMs, unifiedRoot: join(config.host.cgroupfs, 'unified'), socketOfCpu: hardware.socketOfCpu } },
      log,
    );
  } catch (err) {
    hwpcLog.warn({ err: errorMessage(err) }, 'no fallback activity source: while hwpc-sensor is silent, functions get no attributed energy');
  }
  const source = new StaleFallbackSource({ primary, fallback, staleAfterMs: h.staleAfterMs, log: log.child({ component: 'activity' }) });
  return { source, metrics: { stats: () => primary.stats(), lastReportAgeMs: () => primary.lastReportAgeMs(), fallback: () => source.state() } };
}

/** A service that owns an object with a close() and closes it at shutdown. */
function closingService(name: string, close: () => Promise<void>): Service {
  return {
    name,
    run: (signal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }))),
    shutdown: close,
  };
}

async function detect(config: ResolvedAgentConfig, log: Logger): Promise<HostHardware> {
  const live = config.host.procfs === LIVE_PROCFS && config.host.sysfs === LIVE_SYSFS;
  const hardware = await detectHardware({
    procfsRoot: config.host.procfs,
    sysfsRoot: config.host.sysfs,
    reservedCpus: config.reservedCpus,
    hostType: config.hostType,
    live: live ? new SystemInformationProbe() : undefined,
  });
  const hwLog = log.child({ component: 'hardware' });
  for (const w of hardware.warnings) hwLog.warn({ warning: w }, 'hardware detection degraded');
  hwLog.info(
    {
      arch: hardware.arch,
      cpuModel: hardware.cpuModel,
      sockets: hardware.sockets,
      physicalCores: hardware.physicalCores,
      logicalCpus: hardware.logicalCpus,
      functionCpus: hardware.functionCpus.length,
      hostType: hardware.hostType,
      memoryBytes: hardware.memoryBytes.toString(),
      sources: hardware.sources,
    },
    'hardware detected',
  );
  return hardware;
}

/** Builds every object from the resolved config and runs the services; resolves with the exit code. */
export async function runDaemon(loaded: LoadedAgentConfig): Promise<number> {
  const { config } = loaded;
  const log = createLogger({ name: 'isawatt-agent', level: config.logLevel });
  for (const w of loaded.warnings) log.warn({ warning: w }, 'config');
  log.info({ config: describeConfig(config), version: agentVersion() }, 'starting');
  routeGrpcLogs(log);

  // An unknown profile is a config error (exit 2) before anything is touched.
  const profile = config.emulate === undefined ? undefined : getProfile(config.emulate);
  let hardware = await detect(config, log);
  const sessionId = randomUUID();
  const energySources: EnergySourceRecord[] = [];
  const services: Service[] = [];

  // Emulation: a temp sysfs tree whose counters follow the real CPU time of this agent's workers;
  // the meters read it like a real one and label every figure "emulated".
  let energySysfs = config.host.sysfs;
  let emulated: EmulatedHost | undefined;
  if (profile) {
    const emu = await EmulatedHost.create({
      profile,
      hostId: config.hostId,
      hostType: config.hostType,
      real: hardware,
      cgroupRoot: config.host.cgroupfs,
      cgroupSubtree: cgroupSubtree(config),
      tickMs: config.tickIntervalMs,
      carrierCpus: config.emulateCarrierCpus,
      log,
    });
    emulated = emu;
    energySysfs = emu.sysfsRoot;
    hardware = emu.hardware;
    log.child({ component: 'hardware' }).warn(
      {
        profile: profile.name,
        file: profile.file,
        cpuModel: hardware.cpuModel,
        sockets: hardware.sockets,
        physicalCores: hardware.physicalCores,
        functionCpus: hardware.functionCpus.length,
        realCpuSharePerCpu: profile.realCpuShare,
      },
      'EMULATED host: hardware, speed and energy figures come from an illustrative profile, not from this machine',
    );
    // The agent gets its workers' CPU weight: on a shared machine its drivers must not starve.
    const restoreWeight = await raiseAgentCpuWeight({
      cgroupRoot: config.host.cgroupfs,
      subtree: cgroupSubtree(config),
      procRoot: config.host.procfs,
      pid: process.pid,
      log: log.child({ component: 'emulator' }),
    });
    services.push({
      name: 'emulator',
      run: (signal) => emu.emulator.run(signal),
      shutdown: async () => {
        await emu.close();
        await restoreWeight();
      },
    });
  }

  let meter: EnergyMeter | undefined;
  const energyLog = log.child({ component: 'energy' });
  try {
    const created = await createMeter(
      DEFAULT_METERS,
      {
        sysfsRoot: energySysfs,
        procfsRoot: config.host.procfs,
        cpuModel: hardware.cpuModel,
        sockets: hardware.sockets,
        logicalCpus: hardware.logicalCpus,
        physicalCores: hardware.physicalCores,
      },
      energyLog,
    );
    meter = created.meter;
    energySources.push(...created.sources);
  } catch (err) {
    energyLog.warn({ err: errorMessage(err) }, 'no energy source works; host energy is reported as 0 with source "none"');
  }

  let frequency: FrequencyReader | undefined;
  try {
    frequency = (await createFrequencyReader(DEFAULT_FREQUENCY_READERS, { sysfsRoot: energySysfs }, log.child({ component: 'frequency' }))).reader;
  } catch (err) {
    log.warn({ component: 'frequency', err: errorMessage(err) }, 'no frequency reader; frequency reported as 0 (unknown)');
  }

  const runtime = await createRuntime(config, hardware, log, emulated);
  if (emulated && runtime) emulated.placement = () => new Map(runtime.placements().map((p) => [p.function, p.cpus]));
  let activity: ActivitySource | undefined;
  let attributor: Attributor | undefined;
  let hwpcMetrics: HwpcMetricsSource | undefined;
  if (runtime && config.activitySource === 'hwpc-sensor') {
    try {
      const created = await createHwpcActivity(config, hardware, log);
      activity = created.source;
      hwpcMetrics = created.metrics;
    } catch (err) {
      await runtime.close();
      throw err;
    }
  }
  if (runtime) {
    // Per-function activity and attribution only mean something when functions run here. "auto":
    // perf counters per cgroup where perf works, cgroup CPU time otherwise (logged).
    try {
      // An emulated host's counters come from its emulated hwpc-sensor (unless a source is forced);
      // a real hwpc-sensor (activitySource hwpc-sensor) was set up above.
      activity ??=
        emulated && config.activitySource === 'auto'
          ? await emulated.activitySource(log)
          : await createActivitySource(
              config.activitySource,
              { perf: { intervalMs: config.tickIntervalMs, unifiedRoot: join(config.host.cgroupfs, 'unified'), socketOfCpu: hardware.socketOfCpu } },
              log, // the sources name their own component (perf-stat, cgroup-cputime)
            );
    } catch (err) {
      log.warn({ component: 'activity', err: errorMessage(err) }, 'no activity source; functions get no attributed energy');
    }
    // With hwpc-sensor the attributed energy is the sensor's own RAPL group (measured), whatever
    // meter gives the host figure, so "auto" fits counter models to it.
    const method = resolveAttributionMethod(config.attributionMethod, config.activitySource === 'hwpc-sensor' ? 'measured' : meter?.quality);
    if (config.attributionMethod === 'auto') {
      log.info(
        { component: 'attribution', configured: 'auto', method, hostQuality: meter?.quality ?? 'none' },
        method === 'cputime-share'
          ? 'attribution: CPU-time share, because host energy is estimated from CPU utilisation (a counter model fitted to an estimate only re-learns it)'
          : 'attribution: SmartWatts counter models (CPU-time share while they warm up)',
      );
    }
    attributor = createAttributor({ method });
  }

  const monitor = new TelemetryMonitor({
    procfsRoot: config.host.procfs,
    intervalMs: config.tickIntervalMs,
    log: log.child({ component: 'telemetry' }),
    socketOfCpu: hardware.socketOfCpu,
    meter,
    frequency,
    functionCpus: hardware.functionCpus,
    activity,
    attributor,
    runtime,
  });

  // The bound /invoke endpoint, advertised in Hello so that the coordinator's gateway can route
  // calls here; set once the HTTP server exists (it is bound before the link connects: every
  // service inits before any runs).
  let invokeAddress: () => string | undefined = () => undefined;
  // "https" when the endpoint serves TLS (http.tls): the gateway then calls it with its credentials.
  let invokeScheme: () => 'http' | 'https' | undefined = () => undefined;
  const hello = (): HelloInfo => ({
    hostId: config.hostId,
    sessionId,
    agentVersion: agentVersion(),
    hardware,
    energySources,
    counterSource: activity?.kind ?? 'none',
    pinning: runtime?.pinning ?? 'none',
    catalogue: runtime?.catalogue() ?? [],
    emulatedProfile: config.emulate,
    runningAssignmentVersion: runtime?.runningVersion() ?? 0n,
    idlePowerW: 0,
    invokeAddress: invokeAddress(),
    invokeScheme: invokeScheme(),
  });

  const profiler = runtime ? new ProfileExecutor({ runtime, telemetry: monitor, functionCpuCount: hardware.functionCpus.length, log }) : undefined;
  const linkLog = log.child({ component: 'coordinator-link' });
  const link = new CoordinatorLink({
    address: config.coordinator,
    credentials: clientCredentials(config.tls),
    sessionId,
    hello,
    telemetry: monitor,
    runtime,
    profiler,
    bufferMaxReports: config.bufferMaxReports,
    log: linkLog,
    onWelcome: (w) => {
      if (w.tickIntervalMs > 0 && w.tickIntervalMs !== monitor.tickIntervalMs) {
        try {
          monitor.setIntervalMs(w.tickIntervalMs);
        } catch (err) {
          linkLog.warn({ err, tickIntervalMs: w.tickIntervalMs }, 'coordinator asked for an invalid tick interval; keeping ours');
        }
      }
    },
  });

  // Shutdown runs in reverse: the endpoint and the link stop first, the runtime's workers last.
  if (runtime) services.push(closingService('runtime', () => runtime.close()));
  services.push(monitor, link);
  if (config.http.listen !== 'off') {
    const exporter = new PrometheusExporter({ source: monitor, log });
    if (hwpcMetrics) registerHwpcMetrics(exporter.registry, hwpcMetrics);
    exporter.start();
    const metricsHandler = exporter.handler();
    const startedAtMs = systemClock.nowMs();
    const http = new AgentHttpServer({
      listen: config.http.listen,
      security: config.http.security,
      fallbackToEphemeral: !config.http.explicit,
      log: log.child({ component: 'http' }),
      routes: [
        healthzRoute({
          telemetry: monitor,
          tickIntervalMs: () => monitor.tickIntervalMs,
          nowMs: () => systemClock.nowMs(),
          startedAtMs,
          details: () => {
            const s = link.stats();
            return {
              coordinatorConnected: s.connected,
              bufferedReports: s.bufferedReports,
              droppedReports: s.droppedReports,
              ...(hwpcMetrics ? { hwpc: hwpcHealth(hwpcMetrics) } : {}),
            };
          },
          degraded: () => {
            const f = hwpcMetrics?.fallback();
            if (f === undefined || f.state === 'fresh') return [];
            return [
              `hwpc-sensor ${f.state === 'waiting' ? 'has not reported yet' : `silent for ${msToS(f.lastReportAgeMs ?? 0).toFixed(1)} s`}: per-function activity from ${f.using}`,
            ];
          },
        }),
        { method: 'GET', path: '/metrics', handle: (req, res) => metricsHandler(req, res) },
      ],
    });
    if (runtime) {
      const invoke = createInvokeHandler(runtime, log);
      http.addRoute({ method: 'POST', path: '/invoke/', handle: (req, res) => void invoke(req, res) });
      invokeAddress = () => {
        const a = http.address();
        return a ? `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}` : undefined;
      };
      invokeScheme = () => http.scheme;
    }
    services.push(http);
  }

  const reason = await runServices(services, { log, shutdownGraceMs: config.shutdownGraceMs });
  log.info({ reason }, 'stopped');
  return reason === 'SIGINT' || reason === 'SIGTERM' ? EXIT.OK : EXIT.FAILURE;
}

/**
 * Started by bin/isawatt-agent.mjs in a child process: when the launcher goes away (even killed),
 * its IPC channel closes and the agent stops as if it got SIGTERM.
 */
function stopWithLauncher(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** Runs the CLI on argv and exits the process with its code. */
export async function start(argv: readonly string[] = process.argv): Promise<never> {
  stopWithLauncher();
  // Started by the demo or a test with ISAWATT_EXIT_WITH_PARENT=1: stop when that parent is gone.
  exitWithParentOrQuit('isawatt-agent');
  const code = await runCli(argv, { daemon: runDaemon, version: agentVersion() });
  process.exit(code);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) void start();
