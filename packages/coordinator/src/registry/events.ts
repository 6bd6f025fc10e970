// Events the host registry emits, for in-process subscribers (the MQTT bridge, Control's
// WatchTelemetry, metrics). Emitted synchronously while the registry ingests, so a listener must
// not block or throw: enqueue and return. Payloads are read-only snapshots; do not mutate them.
import type { EventEmitter } from 'node:events';
import type { IngestedReport } from './ingested-report.js';
import type { Assignment, AssignmentAck, Hello, HostView, TelemetryTick } from './types.js';

export interface RegistryEvents {
  /** A host attached (first time or again after being down). */
  'host-up': [host: HostView];
  /** A host went silent for longer than hostDownAfterMs, or its stream closed. */
  'host-down': [host: HostView, reason: string];
  /**
   * A new (deduplicated) telemetry report was stored, as the ingest path holds it (columns: read
   * what you need, or `tick()` for the whole report). Valid only during the call: the stream
   * reuses its buffers for later reports. Duplicates are not emitted.
   */
  report: [hostId: string, report: IngestedReport, hello: Hello];
  /**
   * The same report as objects. Building them costs the ingest path an object per function, so
   * it is built only while this event has listeners: prefer 'report' on hot paths.
   */
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
