// Original file: proto/isawatt/v1/control.proto

import type { RunSummary as _isawatt_v1_RunSummary, RunSummary__Output as _isawatt_v1_RunSummary__Output } from '../../isawatt/v1/RunSummary.js';

export interface ListRunsResponse {
  'runs'?: (_isawatt_v1_RunSummary)[];
}

export interface ListRunsResponse__Output {
  'runs': (_isawatt_v1_RunSummary__Output)[];
}
