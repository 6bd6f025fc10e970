// What the agent says about itself in Hello, as domain values (the codec turns it into the wire
// message). Built by main.ts from hardware detection, the meter, the activity source and the runtime.
import type { HostHardware } from '../hardware/detect.js';
import type { CatalogueEntryInfo, PinningMode } from '../runtime/function-runtime.js';
import type { Quality } from '../telemetry/quality.js';

/** One energy source found or tried at start-up. */
export interface EnergySourceDescription {
  /** "rapl", "perf-power", "xgene-hwmon", "altra-hwmon", "hwmon", "estimated", "emulated". */
  readonly kind: string;
  readonly path: string;
  readonly quality: Quality;
  readonly domains: readonly string[];
  /** True for the source behind the host figure. */
  readonly primary: boolean;
  /** Why it is used, or why it was skipped. */
  readonly detail: string;
}

export interface HelloInfo {
  readonly hostId: string;
  readonly sessionId: string;
  readonly agentVersion: string;
  readonly hardware: HostHardware;
  readonly energySources: readonly EnergySourceDescription[];
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
}
