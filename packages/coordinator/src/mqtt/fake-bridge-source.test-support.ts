// A BridgeSource driven by hand: tests and bench/mqtt-publish.ts use it to feed the bridge without
// a registry. `tick()` builds one plausible report per host (labelled emulated) so that payloads
// have the shape and size of real ones.
import type { Arch } from '@isawatt/common';
import type { BridgeEvent, BridgeHostInfo, BridgePlacementHost, BridgeSource, BridgeTelemetry } from './bridge-source.js';

export class FakeBridgeSource implements BridgeSource {
  private readonly listeners = new Set<(ev: BridgeEvent) => void>();
  private readonly hostMap = new Map<string, BridgeHostInfo>();
  private readonly placements = new Map<string, BridgePlacementHost>();
  private seq = 0n;

  /** Starts the next tick's sequence number (with reportFor). */
  nextSeq(): void {
    this.seq++;
  }

  hosts(): readonly BridgeHostInfo[] {
    return [...this.hostMap.values()];
  }

  placement(): readonly BridgePlacementHost[] {
    return [...this.placements.values()];
  }

  subscribe(listener: (ev: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(ev: BridgeEvent): void {
    for (const l of this.listeners) l(ev);
  }

  addHost(hostId: string, arch: Arch = 'x86_64', nowMs = Date.now()): BridgeHostInfo {
    const host: BridgeHostInfo = {
      hostId,
      state: 'up',
      arch,
      cpuModel: arch === 'x86_64' ? 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz' : 'Ampere(R) Altra(R) Max Processor',
      hostType: arch === 'x86_64' ? 'xeon-gold-6130' : 'altra-max-m128',
      sockets: arch === 'x86_64' ? 2 : 1,
      physicalCores: arch === 'x86_64' ? 32 : 128,
      logicalCpus: arch === 'x86_64' ? 64 : 128,
      functionCpus: arch === 'x86_64' ? 60 : 124,
      emulated: true,
      stateSinceMs: nowMs,
    };
    this.hostMap.set(hostId, host);
    this.emit({ type: 'host-up', host });
    return host;
  }

  setDown(hostId: string, reason: string, nowMs = Date.now()): void {
    const h = this.hostMap.get(hostId);
    if (!h) return;
    const down: BridgeHostInfo = { ...h, state: 'down', stateSinceMs: nowMs };
    this.hostMap.set(hostId, down);
    this.emit({ type: 'host-down', host: down, reason });
  }

  applyAssignment(hostId: string, version: bigint, functions: { function: string; cores: number; rateRps: number }[]): void {
    let cpu = 0;
    const placed = functions.map((f) => {
      const cpus = Array.from({ length: f.cores }, () => cpu++);
      return { ...f, cpus };
    });
    const p: BridgePlacementHost = { hostId, assignmentVersion: version, ackedVersion: version, functions: placed };
    this.placements.set(hostId, p);
    this.emit({ type: 'assignment-applied', hostId, version, placement: p });
  }

  /** One report per host with `functionsPerHost` functions; returns the reports emitted. */
  tick(nowMs: number, functionsPerHost: number, intervalMs = 1000): BridgeTelemetry[] {
    this.seq++;
    return this.reportFor([...this.hostMap.keys()], nowMs, functionsPerHost, intervalMs);
  }

  /** Reports of some hosts only (agents tick at different phases); call `tick` or this per tick. */
  reportFor(hostIds: readonly string[], nowMs: number, functionsPerHost: number, intervalMs = 1000): BridgeTelemetry[] {
    const out: BridgeTelemetry[] = [];
    if (this.seq === 0n) this.seq = 1n;
    for (const id of hostIds) {
      const h = this.hostMap.get(id);
      if (!h || h.state !== 'up') continue;
      const functions = Array.from({ length: functionsPerHost }, (_, i) => {
        const powerW = 0.5 + (i % 7) * 0.25;
        const totalUj = BigInt(Math.round(powerW * intervalMs * 1000));
        return {
          function: `fn-${String(i).padStart(3, '0')}`,
          powerW,
          dynamicEnergyUj: (totalUj * 3n) / 4n,
          totalEnergyUj: totalUj,
          cpuTimeUs: BigInt(intervalMs * 500),
          cores: 1 + (i % 3),
          quality: 'emulated' as const,
        };
      });
      const hostPowerW = 90 + functions.reduce((s, f) => s + f.powerW, 0);
      const hostEnergyUj = BigInt(Math.round(hostPowerW * intervalMs * 1000));
      const report: BridgeTelemetry = {
        hostId: h.hostId,
        seq: this.seq,
        timestampMs: nowMs,
        intervalMs,
        hostPowerW,
        hostEnergyUj,
        quality: 'emulated',
        energySource: 'emulated',
        cpuUtilization: 0.5,
        domains: [{ domain: 'package-0', socket: 0, energyUj: hostEnergyUj, powerW: hostPowerW, quality: 'emulated', source: 'emulated', inHostTotal: true }],
        functions,
        assignmentVersion: this.placements.get(h.hostId)?.assignmentVersion ?? 0n,
      };
      out.push(report);
      this.emit({ type: 'telemetry', report });
    }
    return out;
  }
}
