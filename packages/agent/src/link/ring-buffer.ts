// A bounded FIFO over a fixed array: push drops the oldest item when full (and counts it), so an
// agent cut off from its coordinator for hours holds at most `capacity` reports and its memory
// stays flat. O(1) push/shift; no allocation after construction.

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private droppedTotal = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer: capacity must be an integer >= 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Items dropped because the buffer was full, since construction. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Appends; returns the item pushed out when full (undefined otherwise). */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.count === this.capacity) {
      evicted = this.shift();
      this.droppedTotal++;
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return evicted;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** The i-th oldest item (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.capacity];
  }

  peek(): T | undefined {
    return this.at(0);
  }

  /** Removes items from the front while `pred` holds; returns how many. */
  dropWhile(pred: (item: T) => boolean): number {
    let n = 0;
    for (let item = this.peek(); item !== undefined && pred(item); item = this.peek()) {
      this.shift();
      n++;
    }
    return n;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }
}
