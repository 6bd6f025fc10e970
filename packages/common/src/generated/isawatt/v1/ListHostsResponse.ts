// Original file: proto/isawatt/v1/control.proto

import type { Host as _isawatt_v1_Host, Host__Output as _isawatt_v1_Host__Output } from '../../isawatt/v1/Host.js';

export interface ListHostsResponse {
  'hosts'?: (_isawatt_v1_Host)[];
  /**
   * Pass as page_token for the next page; empty on the last page.
   */
  'next_page_token'?: (string);
  /**
   * Hosts registered when this page was built (all pages together).
   */
  'total_hosts'?: (number);
}

export interface ListHostsResponse__Output {
  'hosts': (_isawatt_v1_Host__Output)[];
  /**
   * Pass as page_token for the next page; empty on the last page.
   */
  'next_page_token': (string);
  /**
   * Hosts registered when this page was built (all pages together).
   */
  'total_hosts': (number);
}
