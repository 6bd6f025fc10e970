// Original file: proto/isawatt/v1/control.proto

import type { Host as _isawatt_v1_Host, Host__Output as _isawatt_v1_Host__Output } from '../../isawatt/v1/Host.js';

export interface ListHostsResponse {
  'hosts'?: (_isawatt_v1_Host)[];
}

export interface ListHostsResponse__Output {
  'hosts': (_isawatt_v1_Host__Output)[];
}
