// What the agent says about itself in Hello, as domain values (the codec turns it into the shared
// Hello of @isawatt/common and then into the wire message). Built by main.ts from hardware
// detection, the meter, the activity source and the runtime.
import type { Hello } from '@isawatt/common';
import type { HostHardware } from '../hardware/detect.js';
import type { PinningMode } from '../runtime/function-runtime.js';
import type { EnergySourceRecord } from '../sensors/create-meter.js';

export type HelloInfo = Pick<
  Hello,
  'hostId' | 'sessionId' | 'agentVersion' | 'counterSource' | 'catalogue' | 'runningAssignmentVersion' | 'idlePowerW' | 'invokeAddress' | 'invokeScheme'
> & {
  readonly hardware: HostHardware;
  /** Every energy source found or tried at start-up (sensors/create-meter.ts). */
  readonly energySources: readonly EnergySourceRecord[];
  /** Pinning mode of the runtime, or "none" when the agent runs without one. */
  readonly pinning: PinningMode | 'none';
  /** Emulated profile name, when the host is emulated. */
  readonly emulatedProfile: string | undefined;
};
