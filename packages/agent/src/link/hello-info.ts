// What the agent says about itself in Hello, as domain values (the codec turns it into the wire
// message). Built by main.ts from hardware detection, the meter, the activity source and the runtime.
import type { HostHardware } from '../hardware/detect.js';
import type { CatalogueEntryInfo, PinningMode } from '../runtime/function-runtime.js';
import type { EnergySourceRecord } from '../sensors/create-meter.js';

export interface HelloInfo {
  readonly hostId: string;
  readonly sessionId: string;
  readonly agentVersion: string;
  readonly hardware: HostHardware;
  /** Every energy source found or tried at start-up (sensors/create-meter.ts). */
  readonly energySources: readonly EnergySourceRecord[];
  /** "perf", "hwpc-sensor", "cgroup-cputime", or "none". */
  readonly counterSource: string;
  /** Pinning mode of the runtime, or "none" when the agent runs without one. */
  readonly pinning: PinningMode | 'none';
  readonly catalogue: readonly CatalogueEntryInfo[];
  /** Emulated profile name, when the host is emulated. */
  readonly emulatedProfile: string | undefined;
  readonly runningAssignmentVersion: bigint;
  /** Idle power of the CPU domains known to the agent, W; 0 unknown. */
  readonly idlePowerW: number;
  /** HOST:PORT of the HTTP endpoint serving /invoke (undefined when there is none). */
  readonly invokeAddress?: string | undefined;
}
