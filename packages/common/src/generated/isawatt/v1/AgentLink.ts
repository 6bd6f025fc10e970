// Original file: proto/isawatt/v1/agent_link.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _isawatt_v1_AgentMessage, AgentMessage__Output as _isawatt_v1_AgentMessage__Output } from '../../isawatt/v1/AgentMessage.js';
import type { CoordinatorMessage as _isawatt_v1_CoordinatorMessage, CoordinatorMessage__Output as _isawatt_v1_CoordinatorMessage__Output } from '../../isawatt/v1/CoordinatorMessage.js';

export interface AgentLinkClient extends grpc.Client {
  /**
   * Bidirectional stream. The agent's first message must be a Hello; the coordinator answers with
   * a Welcome, then either side sends whenever it has something.
   */
  Attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_isawatt_v1_AgentMessage, _isawatt_v1_CoordinatorMessage__Output>;
  Attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_isawatt_v1_AgentMessage, _isawatt_v1_CoordinatorMessage__Output>;
  /**
   * Bidirectional stream. The agent's first message must be a Hello; the coordinator answers with
   * a Welcome, then either side sends whenever it has something.
   */
  attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_isawatt_v1_AgentMessage, _isawatt_v1_CoordinatorMessage__Output>;
  attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_isawatt_v1_AgentMessage, _isawatt_v1_CoordinatorMessage__Output>;
  
}

export interface AgentLinkHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Bidirectional stream. The agent's first message must be a Hello; the coordinator answers with
   * a Welcome, then either side sends whenever it has something.
   */
  Attach: grpc.handleBidiStreamingCall<_isawatt_v1_AgentMessage__Output, _isawatt_v1_CoordinatorMessage>;
  
}

export interface AgentLinkDefinition extends grpc.ServiceDefinition {
  Attach: MethodDefinition<_isawatt_v1_AgentMessage, _isawatt_v1_CoordinatorMessage, _isawatt_v1_AgentMessage__Output, _isawatt_v1_CoordinatorMessage__Output>
}
