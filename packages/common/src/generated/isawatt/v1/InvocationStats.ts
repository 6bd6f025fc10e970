// Original file: proto/isawatt/v1/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Per-function load-driver and invocation figures over one tick (or one run).
 */
export interface InvocationStats {
  /**
   * Invocations that returned a result.
   */
  'completed'?: (number | string | Long);
  /**
   * Invocations that returned an error.
   */
  'errors'?: (number | string | Long);
  /**
   * Invocations failed because they ran past the function's timeout.
   */
  'timeouts'?: (number | string | Long);
  /**
   * Arrivals that were not served: no free worker and the queue bound reached, or (expired, below)
   * no worker free within the function's timeout while they waited in the queue.
   */
  'dropped'?: (number | string | Long);
  /**
   * Latency percentiles of completed invocations, in milliseconds (0 when none completed).
   */
  'latency_p50_ms'?: (number | string);
  'latency_p95_ms'?: (number | string);
  'latency_p99_ms'?: (number | string);
  /**
   * Completed invocations per second over the interval.
   */
  'achieved_rps'?: (number | string);
  /**
   * Requests that arrived in the interval (the load driver's arrivals at their due time, the invoke
   * endpoint's calls), whatever became of them: the offered load. completed + errors + timeouts +
   * dropped counts answers, which include arrivals queued in earlier intervals. 0 from agents that
   * predate the field.
   */
  'arrived'?: (number | string | Long);
  /**
   * Of dropped: the arrivals that waited in the queue past the function's timeout without a worker
   * (the others found the queue full). 0 from agents that predate the field.
   */
  'expired'?: (number | string | Long);
  /**
   * Of completed, by how many ticks after their arrival they completed: entry a counts the
   * completions of requests that arrived a ticks (reports) before this one; the last entry also
   * holds the older ones. At most 8 entries; empty from agents that predate the field. With it a
   * run counts what became of the requests that arrived in its window, whenever they finished,
   * rather than the completions inside the window (which depend on how many were in flight at
   * either edge).
   */
  'completed_by_age'?: (number | string | Long)[];
}

/**
 * Per-function load-driver and invocation figures over one tick (or one run).
 */
export interface InvocationStats__Output {
  /**
   * Invocations that returned a result.
   */
  'completed': (string);
  /**
   * Invocations that returned an error.
   */
  'errors': (string);
  /**
   * Invocations failed because they ran past the function's timeout.
   */
  'timeouts': (string);
  /**
   * Arrivals that were not served: no free worker and the queue bound reached, or (expired, below)
   * no worker free within the function's timeout while they waited in the queue.
   */
  'dropped': (string);
  /**
   * Latency percentiles of completed invocations, in milliseconds (0 when none completed).
   */
  'latency_p50_ms': (number);
  'latency_p95_ms': (number);
  'latency_p99_ms': (number);
  /**
   * Completed invocations per second over the interval.
   */
  'achieved_rps': (number);
  /**
   * Requests that arrived in the interval (the load driver's arrivals at their due time, the invoke
   * endpoint's calls), whatever became of them: the offered load. completed + errors + timeouts +
   * dropped counts answers, which include arrivals queued in earlier intervals. 0 from agents that
   * predate the field.
   */
  'arrived': (string);
  /**
   * Of dropped: the arrivals that waited in the queue past the function's timeout without a worker
   * (the others found the queue full). 0 from agents that predate the field.
   */
  'expired': (string);
  /**
   * Of completed, by how many ticks after their arrival they completed: entry a counts the
   * completions of requests that arrived a ticks (reports) before this one; the last entry also
   * holds the older ones. At most 8 entries; empty from agents that predate the field. With it a
   * run counts what became of the requests that arrived in its window, whenever they finished,
   * rather than the completions inside the window (which depend on how many were in flight at
   * either edge).
   */
  'completed_by_age': (string)[];
}
