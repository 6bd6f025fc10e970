// Original file: proto/isawatt/v1/agent_link.proto

import type { Welcome as _isawatt_v1_Welcome, Welcome__Output as _isawatt_v1_Welcome__Output } from '../../isawatt/v1/Welcome.js';
import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from '../../isawatt/v1/Assignment.js';
import type { ProfileJob as _isawatt_v1_ProfileJob, ProfileJob__Output as _isawatt_v1_ProfileJob__Output } from '../../isawatt/v1/ProfileJob.js';
import type { ProfileCancel as _isawatt_v1_ProfileCancel, ProfileCancel__Output as _isawatt_v1_ProfileCancel__Output } from '../../isawatt/v1/ProfileCancel.js';

export interface CoordinatorMessage {
  'welcome'?: (_isawatt_v1_Welcome | null);
  'assignment'?: (_isawatt_v1_Assignment | null);
  'profile_job'?: (_isawatt_v1_ProfileJob | null);
  'profile_cancel'?: (_isawatt_v1_ProfileCancel | null);
  'body'?: "welcome"|"assignment"|"profile_job"|"profile_cancel";
}

export interface CoordinatorMessage__Output {
  'welcome'?: (_isawatt_v1_Welcome__Output | null);
  'assignment'?: (_isawatt_v1_Assignment__Output | null);
  'profile_job'?: (_isawatt_v1_ProfileJob__Output | null);
  'profile_cancel'?: (_isawatt_v1_ProfileCancel__Output | null);
  'body'?: "welcome"|"assignment"|"profile_job"|"profile_cancel";
}
