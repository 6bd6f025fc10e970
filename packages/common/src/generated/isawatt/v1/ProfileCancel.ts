// Original file: proto/isawatt/v1/agent_link.proto


/**
 * Stop a running profile job at once: workers stopped, cgroups removed. The agent answers with the
 * job's BagResult (ok = false, cancelled = true) once everything is gone.
 */
export interface ProfileCancel {
  'job_id'?: (string);
}

/**
 * Stop a running profile job at once: workers stopped, cgroups removed. The agent answers with the
 * job's BagResult (ok = false, cancelled = true) once everything is gone.
 */
export interface ProfileCancel__Output {
  'job_id': (string);
}
