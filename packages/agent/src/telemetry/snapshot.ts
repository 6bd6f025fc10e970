// The immutable per-tick snapshot the monitor publishes (after Kepler's PowerDataProvider): one
// writer (the monitor), many readers (the coordinator link, /metrics, the `run` command). Its shape
// is the shared TelemetryReport (@isawatt/common domain.ts) without the session id, which the link
// adds; qualities are always known on the agent and counters are numbers.
import type { EventEmitter } from 'node:events';
import type { DomainEnergy, FunctionEnergy, InvocationFigures as CommonInvocationFigures, Quality, TelemetryReport } from '@isawatt/common';

export type InvocationFigures = CommonInvocationFigures<number>;
export type DomainFigure = DomainEnergy<Quality>;
export type FunctionFigure = FunctionEnergy<Quality, number>;
export type TickSnapshot = Omit<TelemetryReport<Quality, number>, 'sessionId'>;

/** What readers see. `snapshot()` is the latest (undefined before the first tick). */
export interface TelemetrySource extends EventEmitter<{ snapshot: [TickSnapshot] }> {
  snapshot(): TickSnapshot | undefined;
}
