// Original file: proto/isawatt/v1/control.proto


export interface CancelProfileResponse {
  /**
   * Jobs the agents confirmed stopped (workers and cgroups gone).
   */
  'confirmed'?: (string)[];
  /**
   * Jobs that did not confirm in time (their host may be down).
   */
  'unconfirmed'?: (string)[];
}

export interface CancelProfileResponse__Output {
  /**
   * Jobs the agents confirmed stopped (workers and cgroups gone).
   */
  'confirmed': (string)[];
  /**
   * Jobs that did not confirm in time (their host may be down).
   */
  'unconfirmed': (string)[];
}
