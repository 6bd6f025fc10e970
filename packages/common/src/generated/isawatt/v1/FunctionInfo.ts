// Original file: proto/isawatt/v1/types.proto


/**
 * One function of the agent's local catalogue.
 */
export interface FunctionInfo {
  'name'?: (string);
  'version'?: (string);
  /**
   * "node", "python", "java", "native", "wasm".
   */
  'runtime'?: (string);
  /**
   * "crypto", "media", "scientific", "web", or "test".
   */
  'category'?: (string);
  /**
   * False when the runtime this function needs is missing on the host.
   */
  'runnable'?: (boolean);
  /**
   * Why it is not runnable (empty when runnable).
   */
  'unavailable_reason'?: (string);
}

/**
 * One function of the agent's local catalogue.
 */
export interface FunctionInfo__Output {
  'name': (string);
  'version': (string);
  /**
   * "node", "python", "java", "native", "wasm".
   */
  'runtime': (string);
  /**
   * "crypto", "media", "scientific", "web", or "test".
   */
  'category': (string);
  /**
   * False when the runtime this function needs is missing on the host.
   */
  'runnable': (boolean);
  /**
   * Why it is not runnable (empty when runnable).
   */
  'unavailable_reason': (string);
}
