// Original file: proto/isawatt/v1/control.proto

export const HostState = {
  HOST_STATE_UNSPECIFIED: 'HOST_STATE_UNSPECIFIED',
  /**
   * Attached and sending telemetry.
   */
  HOST_STATE_UP: 'HOST_STATE_UP',
  /**
   * Known (registered before) but silent for longer than the liveness timeout, or detached.
   */
  HOST_STATE_DOWN: 'HOST_STATE_DOWN',
} as const;

export type HostState =
  | 'HOST_STATE_UNSPECIFIED'
  | 0
  /**
   * Attached and sending telemetry.
   */
  | 'HOST_STATE_UP'
  | 1
  /**
   * Known (registered before) but silent for longer than the liveness timeout, or detached.
   */
  | 'HOST_STATE_DOWN'
  | 2

export type HostState__Output = typeof HostState[keyof typeof HostState]
