// Original file: proto/isawatt/v1/agent_link.proto

import type { Quality as _isawatt_v1_Quality, Quality__Output as _isawatt_v1_Quality__Output } from '../../isawatt/v1/Quality.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Energy over one tick for one domain of the host.
 */
export interface DomainEnergy {
  /**
   * Domain name: "package-0", "dram-0", "psys", "cpu-0" (xgene CPU power), "io-0" (xgene IO power),
   * "core-17" (altra_hwmon), "estimated-cpu".
   */
  'domain'?: (string);
  /**
   * Socket the domain belongs to (0 when not per socket).
   */
  'socket'?: (number);
  /**
   * Energy over the tick in microjoules (wrap-corrected).
   */
  'energy_uj'?: (number | string | Long);
  /**
   * Mean power over the tick in watts.
   */
  'power_w'?: (number | string);
  'quality'?: (_isawatt_v1_Quality);
  /**
   * Source kind that produced it ("rapl", "xgene-hwmon", ...).
   */
  'source'?: (string);
  /**
   * True when this domain counts toward the host total (domains that overlap others, such as
   * RAPL core inside package, are reported but not summed).
   */
  'in_host_total'?: (boolean);
}

/**
 * Energy over one tick for one domain of the host.
 */
export interface DomainEnergy__Output {
  /**
   * Domain name: "package-0", "dram-0", "psys", "cpu-0" (xgene CPU power), "io-0" (xgene IO power),
   * "core-17" (altra_hwmon), "estimated-cpu".
   */
  'domain': (string);
  /**
   * Socket the domain belongs to (0 when not per socket).
   */
  'socket': (number);
  /**
   * Energy over the tick in microjoules (wrap-corrected).
   */
  'energy_uj': (string);
  /**
   * Mean power over the tick in watts.
   */
  'power_w': (number);
  'quality': (_isawatt_v1_Quality__Output);
  /**
   * Source kind that produced it ("rapl", "xgene-hwmon", ...).
   */
  'source': (string);
  /**
   * True when this domain counts toward the host total (domains that overlap others, such as
   * RAPL core inside package, are reported but not summed).
   */
  'in_host_total': (boolean);
}
