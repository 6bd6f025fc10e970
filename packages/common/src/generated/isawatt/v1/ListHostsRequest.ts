// Original file: proto/isawatt/v1/control.proto


export interface ListHostsRequest {
  /**
   * Hosts per page, 1-1000 (0: 100).
   */
  'page_size'?: (number);
  /**
   * next_page_token of the previous page (empty: the first page).
   */
  'page_token'?: (string);
}

export interface ListHostsRequest__Output {
  /**
   * Hosts per page, 1-1000 (0: 100).
   */
  'page_size': (number);
  /**
   * next_page_token of the previous page (empty: the first page).
   */
  'page_token': (string);
}
