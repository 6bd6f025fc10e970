// Original file: proto/isawatt/v1/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BeginProfileCampaignRequest as _isawatt_v1_BeginProfileCampaignRequest, BeginProfileCampaignRequest__Output as _isawatt_v1_BeginProfileCampaignRequest__Output } from '../../isawatt/v1/BeginProfileCampaignRequest.js';
import type { CancelProfileRequest as _isawatt_v1_CancelProfileRequest, CancelProfileRequest__Output as _isawatt_v1_CancelProfileRequest__Output } from '../../isawatt/v1/CancelProfileRequest.js';
import type { CancelProfileResponse as _isawatt_v1_CancelProfileResponse, CancelProfileResponse__Output as _isawatt_v1_CancelProfileResponse__Output } from '../../isawatt/v1/CancelProfileResponse.js';
import type { DeployRequest as _isawatt_v1_DeployRequest, DeployRequest__Output as _isawatt_v1_DeployRequest__Output } from '../../isawatt/v1/DeployRequest.js';
import type { DeployResponse as _isawatt_v1_DeployResponse, DeployResponse__Output as _isawatt_v1_DeployResponse__Output } from '../../isawatt/v1/DeployResponse.js';
import type { GetAssignmentRequest as _isawatt_v1_GetAssignmentRequest, GetAssignmentRequest__Output as _isawatt_v1_GetAssignmentRequest__Output } from '../../isawatt/v1/GetAssignmentRequest.js';
import type { GetHostRequest as _isawatt_v1_GetHostRequest, GetHostRequest__Output as _isawatt_v1_GetHostRequest__Output } from '../../isawatt/v1/GetHostRequest.js';
import type { GetModelEstimatesRequest as _isawatt_v1_GetModelEstimatesRequest, GetModelEstimatesRequest__Output as _isawatt_v1_GetModelEstimatesRequest__Output } from '../../isawatt/v1/GetModelEstimatesRequest.js';
import type { GetModelEstimatesResponse as _isawatt_v1_GetModelEstimatesResponse, GetModelEstimatesResponse__Output as _isawatt_v1_GetModelEstimatesResponse__Output } from '../../isawatt/v1/GetModelEstimatesResponse.js';
import type { HealthRequest as _isawatt_v1_HealthRequest, HealthRequest__Output as _isawatt_v1_HealthRequest__Output } from '../../isawatt/v1/HealthRequest.js';
import type { HealthResponse as _isawatt_v1_HealthResponse, HealthResponse__Output as _isawatt_v1_HealthResponse__Output } from '../../isawatt/v1/HealthResponse.js';
import type { Host as _isawatt_v1_Host, Host__Output as _isawatt_v1_Host__Output } from '../../isawatt/v1/Host.js';
import type { HostAssignment as _isawatt_v1_HostAssignment, HostAssignment__Output as _isawatt_v1_HostAssignment__Output } from '../../isawatt/v1/HostAssignment.js';
import type { ListHostsRequest as _isawatt_v1_ListHostsRequest, ListHostsRequest__Output as _isawatt_v1_ListHostsRequest__Output } from '../../isawatt/v1/ListHostsRequest.js';
import type { ListHostsResponse as _isawatt_v1_ListHostsResponse, ListHostsResponse__Output as _isawatt_v1_ListHostsResponse__Output } from '../../isawatt/v1/ListHostsResponse.js';
import type { ProfileBagRequest as _isawatt_v1_ProfileBagRequest, ProfileBagRequest__Output as _isawatt_v1_ProfileBagRequest__Output } from '../../isawatt/v1/ProfileBagRequest.js';
import type { ProfileBagResponse as _isawatt_v1_ProfileBagResponse, ProfileBagResponse__Output as _isawatt_v1_ProfileBagResponse__Output } from '../../isawatt/v1/ProfileBagResponse.js';
import type { ProfileCampaignState as _isawatt_v1_ProfileCampaignState, ProfileCampaignState__Output as _isawatt_v1_ProfileCampaignState__Output } from '../../isawatt/v1/ProfileCampaignState.js';
import type { SetAssignmentRequest as _isawatt_v1_SetAssignmentRequest, SetAssignmentRequest__Output as _isawatt_v1_SetAssignmentRequest__Output } from '../../isawatt/v1/SetAssignmentRequest.js';
import type { SetAssignmentResponse as _isawatt_v1_SetAssignmentResponse, SetAssignmentResponse__Output as _isawatt_v1_SetAssignmentResponse__Output } from '../../isawatt/v1/SetAssignmentResponse.js';
import type { TelemetryEvent as _isawatt_v1_TelemetryEvent, TelemetryEvent__Output as _isawatt_v1_TelemetryEvent__Output } from '../../isawatt/v1/TelemetryEvent.js';
import type { WatchTelemetryRequest as _isawatt_v1_WatchTelemetryRequest, WatchTelemetryRequest__Output as _isawatt_v1_WatchTelemetryRequest__Output } from '../../isawatt/v1/WatchTelemetryRequest.js';

export interface ControlClient extends grpc.Client {
  /**
   * Opens a profiling campaign: resume = false forgets its stored results; true returns them.
   */
  BeginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  BeginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  BeginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  BeginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  /**
   * Opens a profiling campaign: resume = false forgets its stored results; true returns them.
   */
  beginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  beginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  beginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  beginProfileCampaign(argument: _isawatt_v1_BeginProfileCampaignRequest, callback: grpc.requestCallback<_isawatt_v1_ProfileCampaignState__Output>): grpc.ClientUnaryCall;
  
  /**
   * Cancels running profile jobs (all of a campaign, or the listed ids) and waits until the agents
   * confirm that their workers and cgroups are gone (or the timeout passes).
   */
  CancelProfile(argument: _isawatt_v1_CancelProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  CancelProfile(argument: _isawatt_v1_CancelProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  CancelProfile(argument: _isawatt_v1_CancelProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  CancelProfile(argument: _isawatt_v1_CancelProfileRequest, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Cancels running profile jobs (all of a campaign, or the listed ids) and waits until the agents
   * confirm that their workers and cgroups are gone (or the timeout passes).
   */
  cancelProfile(argument: _isawatt_v1_CancelProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  cancelProfile(argument: _isawatt_v1_CancelProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  cancelProfile(argument: _isawatt_v1_CancelProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  cancelProfile(argument: _isawatt_v1_CancelProfileRequest, callback: grpc.requestCallback<_isawatt_v1_CancelProfileResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets several hosts' assignments at once; if any host fails to ack, every host is rolled back
   * to the assignment it had before.
   */
  Deploy(argument: _isawatt_v1_DeployRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  Deploy(argument: _isawatt_v1_DeployRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  Deploy(argument: _isawatt_v1_DeployRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  Deploy(argument: _isawatt_v1_DeployRequest, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets several hosts' assignments at once; if any host fails to ack, every host is rolled back
   * to the assignment it had before.
   */
  deploy(argument: _isawatt_v1_DeployRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  deploy(argument: _isawatt_v1_DeployRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  deploy(argument: _isawatt_v1_DeployRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  deploy(argument: _isawatt_v1_DeployRequest, callback: grpc.requestCallback<_isawatt_v1_DeployResponse__Output>): grpc.ClientUnaryCall;
  
  GetAssignment(argument: _isawatt_v1_GetAssignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  GetAssignment(argument: _isawatt_v1_GetAssignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  GetAssignment(argument: _isawatt_v1_GetAssignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  GetAssignment(argument: _isawatt_v1_GetAssignmentRequest, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  getAssignment(argument: _isawatt_v1_GetAssignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  getAssignment(argument: _isawatt_v1_GetAssignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  getAssignment(argument: _isawatt_v1_GetAssignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  getAssignment(argument: _isawatt_v1_GetAssignmentRequest, callback: grpc.requestCallback<_isawatt_v1_HostAssignment__Output>): grpc.ClientUnaryCall;
  
  /**
   * NOT_FOUND when the host id is unknown.
   */
  GetHost(argument: _isawatt_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _isawatt_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _isawatt_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _isawatt_v1_GetHostRequest, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  /**
   * NOT_FOUND when the host id is unknown.
   */
  getHost(argument: _isawatt_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  getHost(argument: _isawatt_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  getHost(argument: _isawatt_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  getHost(argument: _isawatt_v1_GetHostRequest, callback: grpc.requestCallback<_isawatt_v1_Host__Output>): grpc.ClientUnaryCall;
  
  /**
   * Models refined online from telemetry, per (host type, function) (`isawatt models refined`).
   */
  GetModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  GetModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  GetModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  GetModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Models refined online from telemetry, per (host type, function) (`isawatt models refined`).
   */
  getModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  getModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  getModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  getModelEstimates(argument: _isawatt_v1_GetModelEstimatesRequest, callback: grpc.requestCallback<_isawatt_v1_GetModelEstimatesResponse__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  
  ListHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs one profile job on one host and answers with its result once the agent sends it. A host
   * that goes down mid-job fails the job (UNAVAILABLE); a cancelled call cancels the job on the
   * agent. Every result is stored in the coordinator's state directory under its campaign.
   */
  ProfileBag(argument: _isawatt_v1_ProfileBagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  ProfileBag(argument: _isawatt_v1_ProfileBagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  ProfileBag(argument: _isawatt_v1_ProfileBagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  ProfileBag(argument: _isawatt_v1_ProfileBagRequest, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Runs one profile job on one host and answers with its result once the agent sends it. A host
   * that goes down mid-job fails the job (UNAVAILABLE); a cancelled call cancels the job on the
   * agent. Every result is stored in the coordinator's state directory under its campaign.
   */
  profileBag(argument: _isawatt_v1_ProfileBagRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  profileBag(argument: _isawatt_v1_ProfileBagRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  profileBag(argument: _isawatt_v1_ProfileBagRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  profileBag(argument: _isawatt_v1_ProfileBagRequest, callback: grpc.requestCallback<_isawatt_v1_ProfileBagResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets one host's assignment, pushes it to the agent and waits for its ack (or the deadline).
   */
  SetAssignment(argument: _isawatt_v1_SetAssignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  SetAssignment(argument: _isawatt_v1_SetAssignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  SetAssignment(argument: _isawatt_v1_SetAssignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  SetAssignment(argument: _isawatt_v1_SetAssignmentRequest, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets one host's assignment, pushes it to the agent and waits for its ack (or the deadline).
   */
  setAssignment(argument: _isawatt_v1_SetAssignmentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  setAssignment(argument: _isawatt_v1_SetAssignmentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  setAssignment(argument: _isawatt_v1_SetAssignmentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  setAssignment(argument: _isawatt_v1_SetAssignmentRequest, callback: grpc.requestCallback<_isawatt_v1_SetAssignmentResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Live telemetry: one event per report the coordinator ingests (optionally for one host).
   */
  WatchTelemetry(argument: _isawatt_v1_WatchTelemetryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_isawatt_v1_TelemetryEvent__Output>;
  WatchTelemetry(argument: _isawatt_v1_WatchTelemetryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_isawatt_v1_TelemetryEvent__Output>;
  /**
   * Live telemetry: one event per report the coordinator ingests (optionally for one host).
   */
  watchTelemetry(argument: _isawatt_v1_WatchTelemetryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_isawatt_v1_TelemetryEvent__Output>;
  watchTelemetry(argument: _isawatt_v1_WatchTelemetryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_isawatt_v1_TelemetryEvent__Output>;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Opens a profiling campaign: resume = false forgets its stored results; true returns them.
   */
  BeginProfileCampaign: grpc.handleUnaryCall<_isawatt_v1_BeginProfileCampaignRequest__Output, _isawatt_v1_ProfileCampaignState>;
  
  /**
   * Cancels running profile jobs (all of a campaign, or the listed ids) and waits until the agents
   * confirm that their workers and cgroups are gone (or the timeout passes).
   */
  CancelProfile: grpc.handleUnaryCall<_isawatt_v1_CancelProfileRequest__Output, _isawatt_v1_CancelProfileResponse>;
  
  /**
   * Sets several hosts' assignments at once; if any host fails to ack, every host is rolled back
   * to the assignment it had before.
   */
  Deploy: grpc.handleUnaryCall<_isawatt_v1_DeployRequest__Output, _isawatt_v1_DeployResponse>;
  
  GetAssignment: grpc.handleUnaryCall<_isawatt_v1_GetAssignmentRequest__Output, _isawatt_v1_HostAssignment>;
  
  /**
   * NOT_FOUND when the host id is unknown.
   */
  GetHost: grpc.handleUnaryCall<_isawatt_v1_GetHostRequest__Output, _isawatt_v1_Host>;
  
  /**
   * Models refined online from telemetry, per (host type, function) (`isawatt models refined`).
   */
  GetModelEstimates: grpc.handleUnaryCall<_isawatt_v1_GetModelEstimatesRequest__Output, _isawatt_v1_GetModelEstimatesResponse>;
  
  Health: grpc.handleUnaryCall<_isawatt_v1_HealthRequest__Output, _isawatt_v1_HealthResponse>;
  
  ListHosts: grpc.handleUnaryCall<_isawatt_v1_ListHostsRequest__Output, _isawatt_v1_ListHostsResponse>;
  
  /**
   * Runs one profile job on one host and answers with its result once the agent sends it. A host
   * that goes down mid-job fails the job (UNAVAILABLE); a cancelled call cancels the job on the
   * agent. Every result is stored in the coordinator's state directory under its campaign.
   */
  ProfileBag: grpc.handleUnaryCall<_isawatt_v1_ProfileBagRequest__Output, _isawatt_v1_ProfileBagResponse>;
  
  /**
   * Sets one host's assignment, pushes it to the agent and waits for its ack (or the deadline).
   */
  SetAssignment: grpc.handleUnaryCall<_isawatt_v1_SetAssignmentRequest__Output, _isawatt_v1_SetAssignmentResponse>;
  
  /**
   * Live telemetry: one event per report the coordinator ingests (optionally for one host).
   */
  WatchTelemetry: grpc.handleServerStreamingCall<_isawatt_v1_WatchTelemetryRequest__Output, _isawatt_v1_TelemetryEvent>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  BeginProfileCampaign: MethodDefinition<_isawatt_v1_BeginProfileCampaignRequest, _isawatt_v1_ProfileCampaignState, _isawatt_v1_BeginProfileCampaignRequest__Output, _isawatt_v1_ProfileCampaignState__Output>
  CancelProfile: MethodDefinition<_isawatt_v1_CancelProfileRequest, _isawatt_v1_CancelProfileResponse, _isawatt_v1_CancelProfileRequest__Output, _isawatt_v1_CancelProfileResponse__Output>
  Deploy: MethodDefinition<_isawatt_v1_DeployRequest, _isawatt_v1_DeployResponse, _isawatt_v1_DeployRequest__Output, _isawatt_v1_DeployResponse__Output>
  GetAssignment: MethodDefinition<_isawatt_v1_GetAssignmentRequest, _isawatt_v1_HostAssignment, _isawatt_v1_GetAssignmentRequest__Output, _isawatt_v1_HostAssignment__Output>
  GetHost: MethodDefinition<_isawatt_v1_GetHostRequest, _isawatt_v1_Host, _isawatt_v1_GetHostRequest__Output, _isawatt_v1_Host__Output>
  GetModelEstimates: MethodDefinition<_isawatt_v1_GetModelEstimatesRequest, _isawatt_v1_GetModelEstimatesResponse, _isawatt_v1_GetModelEstimatesRequest__Output, _isawatt_v1_GetModelEstimatesResponse__Output>
  Health: MethodDefinition<_isawatt_v1_HealthRequest, _isawatt_v1_HealthResponse, _isawatt_v1_HealthRequest__Output, _isawatt_v1_HealthResponse__Output>
  ListHosts: MethodDefinition<_isawatt_v1_ListHostsRequest, _isawatt_v1_ListHostsResponse, _isawatt_v1_ListHostsRequest__Output, _isawatt_v1_ListHostsResponse__Output>
  ProfileBag: MethodDefinition<_isawatt_v1_ProfileBagRequest, _isawatt_v1_ProfileBagResponse, _isawatt_v1_ProfileBagRequest__Output, _isawatt_v1_ProfileBagResponse__Output>
  SetAssignment: MethodDefinition<_isawatt_v1_SetAssignmentRequest, _isawatt_v1_SetAssignmentResponse, _isawatt_v1_SetAssignmentRequest__Output, _isawatt_v1_SetAssignmentResponse__Output>
  WatchTelemetry: MethodDefinition<_isawatt_v1_WatchTelemetryRequest, _isawatt_v1_TelemetryEvent, _isawatt_v1_WatchTelemetryRequest__Output, _isawatt_v1_TelemetryEvent__Output>
}
