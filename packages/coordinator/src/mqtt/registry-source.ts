// BridgeSource over the coordinator's host registry: maps registry views and events to the
// bridge's own types. The only file of mqtt/ that knows the registry.
import type { RegistryEmitter, RegistryEvents } from '../registry/events.js';
import type { Assignment, HostView, TelemetryTick } from '../registry/types.js';
import type { BridgeEvent, BridgeHostInfo, BridgePlacementHost, BridgeSource, BridgeTelemetry } from './bridge-source.js';

/** What the adapter needs of the registry: its events and the list of hosts. */
export type RegistryLike = Pick<RegistryEmitter, 'on' | 'off'> & { list(): HostView[] };

export function hostInfo(h: HostView): BridgeHostInfo {
  return {
    hostId: h.hostId,
    state: h.state,
    arch: h.hello.arch,
    cpuModel: h.hello.cpuModel,
    hostType: h.hello.hostType,
    sockets: h.hello.sockets,
    physicalCores: h.hello.physicalCores,
    logicalCpus: h.hello.logicalCpus,
    functionCpus: h.hello.functionCpus.length,
    emulated: h.hello.emulated,
    stateSinceMs: h.stateSinceMs,
  };
}

export function telemetryOf(hostId: string, r: TelemetryTick): BridgeTelemetry {
  return {
    hostId,
    seq: r.seq,
    timestampMs: r.timestampMs,
    intervalMs: r.intervalMs,
    hostPowerW: r.hostPowerW,
    hostEnergyUj: r.hostEnergyUj,
    quality: r.hostQuality,
    energySource: r.energySource,
    cpuUtilization: r.cpuUtilization,
    domains: r.domains,
    functions: r.functions,
    assignmentVersion: r.assignmentVersion,
  };
}

/** One host's part of the placement: its assignment, with the CPUs the agent reported. */
export function placementOf(hostId: string, assignment: Assignment, ackedVersion: bigint, placements: HostView['placements']): BridgePlacementHost {
  const cpus = new Map(placements.map((p) => [p.function, p.cpus]));
  return {
    hostId,
    assignmentVersion: assignment.version,
    ackedVersion,
    functions: assignment.functions
      .filter((f) => f.cores > 0)
      .map((f) => ({
        function: f.function,
        cores: f.cores,
        rateRps: f.rateRps,
        cpus: ackedVersion === assignment.version ? (cpus.get(f.function) ?? []) : [],
      })),
  };
}

export class RegistryBridgeSource implements BridgeSource {
  constructor(private readonly registry: RegistryLike) {}

  hosts(): readonly BridgeHostInfo[] {
    return this.registry.list().map(hostInfo);
  }

  placement(): readonly BridgePlacementHost[] {
    const out: BridgePlacementHost[] = [];
    for (const h of this.registry.list()) {
      if (h.assignment) out.push(placementOf(h.hostId, h.assignment, h.ackedAssignmentVersion, h.placements));
    }
    return out;
  }

  subscribe(listener: (event: BridgeEvent) => void): () => void {
    const onUp = (host: HostView): void => listener({ type: 'host-up', host: hostInfo(host) });
    const onDown = (host: HostView, reason: string): void => listener({ type: 'host-down', host: hostInfo(host), reason });
    const onTelemetry = (hostId: string, report: TelemetryTick): void => listener({ type: 'telemetry', report: telemetryOf(hostId, report) });
    const onApplied = (...[hostId, assignment, ack]: RegistryEvents['assignment-applied']): void =>
      listener({ type: 'assignment-applied', hostId, version: assignment.version, placement: placementOf(hostId, assignment, ack.version, ack.placements) });
    const onFailed = (...[hostId, assignment, error, errorCode]: RegistryEvents['assignment-failed']): void =>
      listener({ type: 'assignment-failed', hostId, version: assignment.version, error, errorCode });
    this.registry.on('host-up', onUp);
    this.registry.on('host-down', onDown);
    this.registry.on('telemetry', onTelemetry);
    this.registry.on('assignment-applied', onApplied);
    this.registry.on('assignment-failed', onFailed);
    return () => {
      this.registry.off('host-up', onUp);
      this.registry.off('host-down', onDown);
      this.registry.off('telemetry', onTelemetry);
      this.registry.off('assignment-applied', onApplied);
      this.registry.off('assignment-failed', onFailed);
    };
  }
}
