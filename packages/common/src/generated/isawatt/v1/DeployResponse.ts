// Original file: proto/isawatt/v1/control.proto

import type { HostAck as _isawatt_v1_HostAck, HostAck__Output as _isawatt_v1_HostAck__Output } from '../../isawatt/v1/HostAck.js';

export interface DeployResponse {
  'ok'?: (boolean);
  'error'?: (string);
  'acks'?: (_isawatt_v1_HostAck)[];
  /**
   * True when a failure rolled every host back to its previous assignment.
   */
  'rolled_back'?: (boolean);
}

export interface DeployResponse__Output {
  'ok': (boolean);
  'error': (string);
  'acks': (_isawatt_v1_HostAck__Output)[];
  /**
   * True when a failure rolled every host back to its previous assignment.
   */
  'rolled_back': (boolean);
}
