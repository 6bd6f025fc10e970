// Every topic the bridge publishes, built in one place (docs/mqtt.md lists them). Host ids and
// function names become single topic levels: "/", "+", "#", "%" and NUL are percent-encoded so that
// a name can neither add levels nor act as a wildcard.

/** Encodes a name as one topic level (reversible with decodeURIComponent). */
export function topicLevel(name: string): string {
  return name.replace(/[%/+#\u0000]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export type EventKind = 'host-up' | 'host-down' | 'assignment-applied' | 'assignment-failed' | 'run-start' | 'run-stop' | 'run-result' | 'replan';

export class Topics {
  constructor(readonly prefix: string) {}

  static defaultPrefix(cluster: string): string {
    return `isawatt/${topicLevel(cluster)}`;
  }

  /** Per host and tick: power, energy counter, source, domains (not retained). */
  hostPower(hostId: string): string {
    return `${this.prefix}/hosts/${topicLevel(hostId)}/power`;
  }

  /** Per host, function and tick: attributed power and energy (not retained). */
  functionPower(hostId: string, fn: string): string {
    return `${this.prefix}/hosts/${topicLevel(hostId)}/functions/${topicLevel(fn)}/power`;
  }

  /** Per host and tick, every function in one message (publish.functions = "per-host"). */
  hostFunctions(hostId: string): string {
    return `${this.prefix}/hosts/${topicLevel(hostId)}/functions`;
  }

  /** Retained: up/down, arch, cores. */
  hostState(hostId: string): string {
    return `${this.prefix}/hosts/${topicLevel(hostId)}/state`;
  }

  /** Retained: the current placement of every host. */
  placement(): string {
    return `${this.prefix}/placement`;
  }

  /** Retained: the coordinator's own state; also the last-will topic. */
  coordinatorState(): string {
    return `${this.prefix}/coordinator/state`;
  }

  /** Not retained: one message per event. */
  event(kind: EventKind): string {
    return `${this.prefix}/events/${kind}`;
  }
}
