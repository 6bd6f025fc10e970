// Events the host registry emits, for in-process subscribers (the MQTT bridge, Control's
// WatchTelemetry, metrics). Emitted synchronously while the registry ingests, so a listener must
// not block or throw: enqueue and return. Payloads are read-only snapshots; do not mutate them.
import type { EventEmitter } from 'node:events';
import type { Assignment, AssignmentAck, HostView, TelemetryTick } from './types.js';

export interface RegistryEvents {
  /** A host attached (first time or again after being down). */
  'host-up': [host: HostView];
  /** A host went silent for longer than hostDownAfterMs, or its stream closed. */
  'host-down': [host: HostView, reason: string];
  /** A new (deduplicated) telemetry report was stored. Duplicates are not emitted. */
  telemetry: [hostId: string, report: TelemetryTick, host: HostView];
  /** The agent acknowledged an assignment with ok = true. */
  'assignment-applied': [hostId: string, assignment: Assignment, ack: AssignmentAck];
  /**
   * An assignment was refused by the agent (ack.ok = false), timed out, or could not be sent.
   * `errorCode` is the agent's code ("not-enough-cores", ...) or "timeout" / "host-down".
   */
  'assignment-failed': [hostId: string, assignment: Assignment, error: string, errorCode: string];
}

export type RegistryEventName = keyof RegistryEvents;

/** The registry's typed emitter (node:events with an event map, @types/node >= 20.11). */
export type RegistryEmitter = EventEmitter<RegistryEvents>;
