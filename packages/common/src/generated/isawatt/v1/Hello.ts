// Original file: proto/isawatt/v1/agent_link.proto

import type { Arch as _isawatt_v1_Arch, Arch__Output as _isawatt_v1_Arch__Output } from '../../isawatt/v1/Arch.js';
import type { EnergySourceInfo as _isawatt_v1_EnergySourceInfo, EnergySourceInfo__Output as _isawatt_v1_EnergySourceInfo__Output } from '../../isawatt/v1/EnergySourceInfo.js';
import type { FunctionInfo as _isawatt_v1_FunctionInfo, FunctionInfo__Output as _isawatt_v1_FunctionInfo__Output } from '../../isawatt/v1/FunctionInfo.js';
import type { Long } from '@grpc/proto-loader';

/**
 * First message of every Attach stream: who this host is and what it can do.
 */
export interface Hello {
  /**
   * Stable host identifier (config, else the hostname). With mTLS the coordinator checks that it
   * equals the client certificate's common name.
   */
  'host_id'?: (string);
  'arch'?: (_isawatt_v1_Arch);
  /**
   * CPU model string, e.g. "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" or "Ampere(R) Altra(R) Max Processor".
   */
  'cpu_model'?: (string);
  /**
   * Number of CPU sockets (physical packages).
   */
  'sockets'?: (number);
  /**
   * Physical cores in total (all sockets).
   */
  'physical_cores'?: (number);
  /**
   * Logical CPUs online.
   */
  'logical_cpus'?: (number);
  /**
   * Logical CPU ids the agent may give to functions (the rest are reserved for the system).
   */
  'function_cpus'?: (number)[];
  /**
   * Host type used to look up performance/energy models, e.g. "xeon-gold-6130" or "altra-max-m128".
   */
  'host_type'?: (string);
  'energy_sources'?: (_isawatt_v1_EnergySourceInfo)[];
  /**
   * Activity counter source: "perf", "hwpc-sensor", "cgroup-cputime".
   */
  'counter_source'?: (string);
  /**
   * How workers are pinned: "cgroup-v2-cpuset", "cgroup-v1-cpuset", "sched-affinity".
   */
  'pinning'?: (string);
  'catalogue'?: (_isawatt_v1_FunctionInfo)[];
  /**
   * Version string of the agent software.
   */
  'agent_version'?: (string);
  /**
   * Random id chosen at agent start; together with TelemetryReport.seq it identifies a report.
   */
  'session_id'?: (string);
  /**
   * True when the host runs on an emulated hardware profile (demo / tests).
   */
  'emulated'?: (boolean);
  /**
   * Name of the emulated profile, when emulated.
   */
  'emulated_profile'?: (string);
  /**
   * Version of the assignment the agent currently runs (0: none).
   */
  'running_assignment_version'?: (number | string | Long);
  /**
   * Memory of the host, in bytes.
   */
  'memory_bytes'?: (number | string | Long);
  /**
   * Idle power of the host's CPU domains as known to the agent (measured at start or from the
   * power profile), in watts; 0 when unknown.
   */
  'idle_power_w'?: (number | string);
  /**
   * HOST:PORT of the agent's HTTP endpoint that serves POST /invoke/<function> (the coordinator's
   * gateway routes calls there); empty when the agent has none. A wildcard host (0.0.0.0, [::])
   * means: the address the agent connects to the coordinator from. (25: numbers 20-24 are left to
   * fields other work may add in parallel.)
   */
  'invoke_address'?: (string);
  /**
   * How to call invoke_address: "https" (TLS; the agent's certificate names its address, and it
   * wants a credential of role gateway: a client certificate or its gateway token) or "http"
   * (plain: loopback or --insecure). Empty from older agents: "http".
   */
  'invoke_scheme'?: (string);
}

/**
 * First message of every Attach stream: who this host is and what it can do.
 */
export interface Hello__Output {
  /**
   * Stable host identifier (config, else the hostname). With mTLS the coordinator checks that it
   * equals the client certificate's common name.
   */
  'host_id': (string);
  'arch': (_isawatt_v1_Arch__Output);
  /**
   * CPU model string, e.g. "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" or "Ampere(R) Altra(R) Max Processor".
   */
  'cpu_model': (string);
  /**
   * Number of CPU sockets (physical packages).
   */
  'sockets': (number);
  /**
   * Physical cores in total (all sockets).
   */
  'physical_cores': (number);
  /**
   * Logical CPUs online.
   */
  'logical_cpus': (number);
  /**
   * Logical CPU ids the agent may give to functions (the rest are reserved for the system).
   */
  'function_cpus': (number)[];
  /**
   * Host type used to look up performance/energy models, e.g. "xeon-gold-6130" or "altra-max-m128".
   */
  'host_type': (string);
  'energy_sources': (_isawatt_v1_EnergySourceInfo__Output)[];
  /**
   * Activity counter source: "perf", "hwpc-sensor", "cgroup-cputime".
   */
  'counter_source': (string);
  /**
   * How workers are pinned: "cgroup-v2-cpuset", "cgroup-v1-cpuset", "sched-affinity".
   */
  'pinning': (string);
  'catalogue': (_isawatt_v1_FunctionInfo__Output)[];
  /**
   * Version string of the agent software.
   */
  'agent_version': (string);
  /**
   * Random id chosen at agent start; together with TelemetryReport.seq it identifies a report.
   */
  'session_id': (string);
  /**
   * True when the host runs on an emulated hardware profile (demo / tests).
   */
  'emulated': (boolean);
  /**
   * Name of the emulated profile, when emulated.
   */
  'emulated_profile': (string);
  /**
   * Version of the assignment the agent currently runs (0: none).
   */
  'running_assignment_version': (string);
  /**
   * Memory of the host, in bytes.
   */
  'memory_bytes': (string);
  /**
   * Idle power of the host's CPU domains as known to the agent (measured at start or from the
   * power profile), in watts; 0 when unknown.
   */
  'idle_power_w': (number);
  /**
   * HOST:PORT of the agent's HTTP endpoint that serves POST /invoke/<function> (the coordinator's
   * gateway routes calls there); empty when the agent has none. A wildcard host (0.0.0.0, [::])
   * means: the address the agent connects to the coordinator from. (25: numbers 20-24 are left to
   * fields other work may add in parallel.)
   */
  'invoke_address': (string);
  /**
   * How to call invoke_address: "https" (TLS; the agent's certificate names its address, and it
   * wants a credential of role gateway: a client certificate or its gateway token) or "http"
   * (plain: loopback or --insecure). Empty from older agents: "http".
   */
  'invoke_scheme': (string);
}
