// The bridge's outgoing queue. Producers (telemetry ingest, events) only call `push`, which never
// blocks and never grows past its bound: non-retained messages live in a ring that drops its oldest
// entry when full (and counts it); retained messages are kept as the latest payload per topic, never
// dropped, and are marked pending again after every reconnect so the broker gets them back.

export interface OutMessage {
  topic: string;
  /**
   * The payload, or a function that builds it when the message is sent: per-tick messages are
   * built lazily so that ingest only pays for a closure, and dropped messages are never built.
   */
  payload: string | (() => string);
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface OutboxStats {
  /** Non-retained messages waiting. */
  queued: number;
  /** Retained topics waiting to be (re-)published. */
  retainedPending: number;
  /** Retained topics known. */
  retainedTopics: number;
  /** Non-retained messages dropped because the queue was full, since start. */
  dropped: number;
}

export class Outbox {
  private readonly ring: (OutMessage | undefined)[];
  private head = 0;
  private size = 0;
  private droppedCount = 0;
  private readonly retained = new Map<string, OutMessage>();
  /** Retained topics to publish, in insertion order (a Set keeps each once). */
  private readonly pendingRetained = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`outbox capacity: expected an integer >= 1, got ${capacity}`);
    this.ring = new Array<OutMessage | undefined>(capacity);
  }

  push(msg: OutMessage): void {
    if (msg.retain) {
      this.retained.set(msg.topic, msg);
      this.pendingRetained.add(msg.topic);
      return;
    }
    if (this.size === this.capacity) {
      // Full: overwrite the oldest entry.
      this.ring[this.head] = msg;
      this.head = (this.head + 1) % this.capacity;
      this.droppedCount++;
      return;
    }
    this.ring[(this.head + this.size) % this.capacity] = msg;
    this.size++;
  }

  /** Next message to send: pending retained state first, then the oldest queued message. */
  shift(): OutMessage | undefined {
    for (const topic of this.pendingRetained) {
      this.pendingRetained.delete(topic);
      const m = this.retained.get(topic);
      if (m) return m;
    }
    if (this.size === 0) return undefined;
    const m = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return m;
  }

  /** Puts a retained message back on the pending list (its publish failed). */
  retryRetained(topic: string): void {
    if (this.retained.has(topic)) this.pendingRetained.add(topic);
  }

  /** After a reconnect: every retained topic goes out again. */
  markAllRetainedPending(): void {
    for (const topic of this.retained.keys()) this.pendingRetained.add(topic);
  }

  /** Latest retained payload of a topic (tests, status). */
  retainedPayload(topic: string): string | undefined {
    const p = this.retained.get(topic)?.payload;
    return typeof p === 'function' ? p() : p;
  }

  get isEmpty(): boolean {
    return this.size === 0 && this.pendingRetained.size === 0;
  }

  stats(): OutboxStats {
    return { queued: this.size, retainedPending: this.pendingRetained.size, retainedTopics: this.retained.size, dropped: this.droppedCount };
  }
}
