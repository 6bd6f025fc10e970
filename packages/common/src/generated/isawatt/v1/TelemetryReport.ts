// Original file: proto/isawatt/v1/agent_link.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { DomainEnergy as _isawatt_v1_DomainEnergy, DomainEnergy__Output as _isawatt_v1_DomainEnergy__Output } from '../../isawatt/v1/DomainEnergy.js';
import type { FunctionEnergy as _isawatt_v1_FunctionEnergy, FunctionEnergy__Output as _isawatt_v1_FunctionEnergy__Output } from '../../isawatt/v1/FunctionEnergy.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One telemetry tick of a host.
 */
export interface TelemetryReport {
  /**
   * Per-session sequence number, starting at 1, incremented by one per tick; never reused within
   * a session. The coordinator stores a report once per (host, session_id, seq).
   */
  'seq'?: (number | string | Long);
  /**
   * End of the tick, wall clock, milliseconds since the Unix epoch.
   */
  'timestamp_ms'?: (number | string | Long);
  /**
   * Length of the tick, in milliseconds (measured, not configured).
   */
  'interval_ms'?: (number);
  /**
   * Agent session that produced it (same as Hello.session_id).
   */
  'session_id'?: (string);
  /**
   * Host CPU utilisation over the tick, 0..1 (busy time / total time of all online CPUs).
   */
  'cpu_utilization'?: (number | string);
  /**
   * Per-CPU utilisation, 0..1, indexed by logical CPU id (may be empty on large hosts).
   */
  'cpu_utilization_per_cpu'?: (number | string)[];
  /**
   * Mean frequency of the function CPUs over the tick, in MHz (0 when unknown).
   */
  'cpu_frequency_mhz'?: (number | string);
  /**
   * Host energy over the tick, in microjoules (sum of domains with in_host_total).
   */
  'host_energy_uj'?: (number | string | Long);
  /**
   * Host mean power over the tick, in watts.
   */
  'host_power_w'?: (number | string);
  /**
   * Quality of the host figure.
   */
  'host_quality'?: (_isawatt_v1_Quality);
  /**
   * Energy source kind used for the host figure.
   */
  'energy_source'?: (string);
  'domains'?: (_isawatt_v1_DomainEnergy)[];
  /**
   * Attribution method: "smartwatts", "cputime-share", "none".
   */
  'attribution'?: (string);
  /**
   * Current attribution model error (median absolute error over the window), in watts; -1 unknown.
   */
  'model_error_w'?: (number | string);
  /**
   * Part of the host energy not attributed as dynamic energy to any function, in microjoules.
   * Invariant: sum(functions.dynamic_energy_uj) + idle_energy_uj == host_energy_uj.
   */
  'idle_energy_uj'?: (number | string | Long);
  'functions'?: (_isawatt_v1_FunctionEnergy)[];
  /**
   * Version of the assignment running during the tick (0: none).
   */
  'assignment_version'?: (number | string | Long);
  /**
   * Agent process figures: CPU time over the tick in microseconds and resident memory in bytes.
   */
  'agent_cpu_time_us'?: (number | string | Long);
  'agent_rss_bytes'?: (number | string | Long);
}

/**
 * One telemetry tick of a host.
 */
export interface TelemetryReport__Output {
  /**
   * Per-session sequence number, starting at 1, incremented by one per tick; never reused within
   * a session. The coordinator stores a report once per (host, session_id, seq).
   */
  'seq': (string);
  /**
   * End of the tick, wall clock, milliseconds since the Unix epoch.
   */
  'timestamp_ms': (string);
  /**
   * Length of the tick, in milliseconds (measured, not configured).
   */
  'interval_ms': (number);
  /**
   * Agent session that produced it (same as Hello.session_id).
   */
  'session_id': (string);
  /**
   * Host CPU utilisation over the tick, 0..1 (busy time / total time of all online CPUs).
   */
  'cpu_utilization': (number);
  /**
   * Per-CPU utilisation, 0..1, indexed by logical CPU id (may be empty on large hosts).
   */
  'cpu_utilization_per_cpu': (number)[];
  /**
   * Mean frequency of the function CPUs over the tick, in MHz (0 when unknown).
   */
  'cpu_frequency_mhz': (number);
  /**
   * Host energy over the tick, in microjoules (sum of domains with in_host_total).
   */
  'host_energy_uj': (string);
  /**
   * Host mean power over the tick, in watts.
   */
  'host_power_w': (number);
  /**
   * Quality of the host figure.
   */
  'host_quality': (_isawatt_v1_Quality__Output);
  /**
   * Energy source kind used for the host figure.
   */
  'energy_source': (string);
  'domains': (_isawatt_v1_DomainEnergy__Output)[];
  /**
   * Attribution method: "smartwatts", "cputime-share", "none".
   */
  'attribution': (string);
  /**
   * Current attribution model error (median absolute error over the window), in watts; -1 unknown.
   */
  'model_error_w': (number);
  /**
   * Part of the host energy not attributed as dynamic energy to any function, in microjoules.
   * Invariant: sum(functions.dynamic_energy_uj) + idle_energy_uj == host_energy_uj.
   */
  'idle_energy_uj': (string);
  'functions': (_isawatt_v1_FunctionEnergy__Output)[];
  /**
   * Version of the assignment running during the tick (0: none).
   */
  'assignment_version': (string);
  /**
   * Agent process figures: CPU time over the tick in microseconds and resident memory in bytes.
   */
  'agent_cpu_time_us': (string);
  'agent_rss_bytes': (string);
}
