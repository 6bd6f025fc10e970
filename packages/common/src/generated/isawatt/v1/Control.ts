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
import type { GetPduSeriesRequest as _isawatt_v1_GetPduSeriesRequest, GetPduSeriesRequest__Output as _isawatt_v1_GetPduSeriesRequest__Output } from '../../isawatt/v1/GetPduSeriesRequest.js';
import type { GetRunRequest as _isawatt_v1_GetRunRequest, GetRunRequest__Output as _isawatt_v1_GetRunRequest__Output } from '../../isawatt/v1/GetRunRequest.js';
import type { GetRunResponse as _isawatt_v1_GetRunResponse, GetRunResponse__Output as _isawatt_v1_GetRunResponse__Output } from '../../isawatt/v1/GetRunResponse.js';
import type { HealthRequest as _isawatt_v1_HealthRequest, HealthRequest__Output as _isawatt_v1_HealthRequest__Output } from '../../isawatt/v1/HealthRequest.js';
import type { HealthResponse as _isawatt_v1_HealthResponse, HealthResponse__Output as _isawatt_v1_HealthResponse__Output } from '../../isawatt/v1/HealthResponse.js';
import type { Host as _isawatt_v1_Host, Host__Output as _isawatt_v1_Host__Output } from '../../isawatt/v1/Host.js';
import type { HostAssignment as _isawatt_v1_HostAssignment, HostAssignment__Output as _isawatt_v1_HostAssignment__Output } from '../../isawatt/v1/HostAssignment.js';
import type { ListHostsRequest as _isawatt_v1_ListHostsRequest, ListHostsRequest__Output as _isawatt_v1_ListHostsRequest__Output } from '../../isawatt/v1/ListHostsRequest.js';
import type { ListHostsResponse as _isawatt_v1_ListHostsResponse, ListHostsResponse__Output as _isawatt_v1_ListHostsResponse__Output } from '../../isawatt/v1/ListHostsResponse.js';
import type { ListRunsRequest as _isawatt_v1_ListRunsRequest, ListRunsRequest__Output as _isawatt_v1_ListRunsRequest__Output } from '../../isawatt/v1/ListRunsRequest.js';
import type { ListRunsResponse as _isawatt_v1_ListRunsResponse, ListRunsResponse__Output as _isawatt_v1_ListRunsResponse__Output } from '../../isawatt/v1/ListRunsResponse.js';
import type { MarkRunRequest as _isawatt_v1_MarkRunRequest, MarkRunRequest__Output as _isawatt_v1_MarkRunRequest__Output } from '../../isawatt/v1/MarkRunRequest.js';
import type { MarkRunResponse as _isawatt_v1_MarkRunResponse, MarkRunResponse__Output as _isawatt_v1_MarkRunResponse__Output } from '../../isawatt/v1/MarkRunResponse.js';
import type { PduSeries as _isawatt_v1_PduSeries, PduSeries__Output as _isawatt_v1_PduSeries__Output } from '../../isawatt/v1/PduSeries.js';
import type { ProfileBagRequest as _isawatt_v1_ProfileBagRequest, ProfileBagRequest__Output as _isawatt_v1_ProfileBagRequest__Output } from '../../isawatt/v1/ProfileBagRequest.js';
import type { ProfileBagResponse as _isawatt_v1_ProfileBagResponse, ProfileBagResponse__Output as _isawatt_v1_ProfileBagResponse__Output } from '../../isawatt/v1/ProfileBagResponse.js';
import type { ProfileCampaignState as _isawatt_v1_ProfileCampaignState, ProfileCampaignState__Output as _isawatt_v1_ProfileCampaignState__Output } from '../../isawatt/v1/ProfileCampaignState.js';
import type { SaveRunRequest as _isawatt_v1_SaveRunRequest, SaveRunRequest__Output as _isawatt_v1_SaveRunRequest__Output } from '../../isawatt/v1/SaveRunRequest.js';
import type { SaveRunResponse as _isawatt_v1_SaveRunResponse, SaveRunResponse__Output as _isawatt_v1_SaveRunResponse__Output } from '../../isawatt/v1/SaveRunResponse.js';
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
  
  /**
   * The PDU readings of one host over a window (run energy from the lab's ground truth).
   */
  GetPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  GetPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  GetPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  GetPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  /**
   * The PDU readings of one host over a window (run energy from the lab's ground truth).
   */
  getPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  getPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  getPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  getPduSeries(argument: _isawatt_v1_GetPduSeriesRequest, callback: grpc.requestCallback<_isawatt_v1_PduSeries__Output>): grpc.ClientUnaryCall;
  
  /**
   * NOT_FOUND when no run has that id.
   */
  GetRun(argument: _isawatt_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _isawatt_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _isawatt_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _isawatt_v1_GetRunRequest, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  /**
   * NOT_FOUND when no run has that id.
   */
  getRun(argument: _isawatt_v1_GetRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _isawatt_v1_GetRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _isawatt_v1_GetRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  getRun(argument: _isawatt_v1_GetRunRequest, callback: grpc.requestCallback<_isawatt_v1_GetRunResponse__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  Health(argument: _isawatt_v1_HealthRequest, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  health(argument: _isawatt_v1_HealthRequest, callback: grpc.requestCallback<_isawatt_v1_HealthResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Hosts in host id order, one page at a time: a page holds at most page_size hosts and stops
   * early once its hosts carry MAX_PAGE_FUNCTIONS function entries (catalogue plus last report),
   * so one call stays small however much state each host carries. Follow next_page_token until
   * it is empty. INVALID_ARGUMENT for a page_size above 1000 or a malformed page_token.
   */
  ListHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _isawatt_v1_ListHostsRequest, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Hosts in host id order, one page at a time: a page holds at most page_size hosts and stops
   * early once its hosts carry MAX_PAGE_FUNCTIONS function entries (catalogue plus last report),
   * so one call stays small however much state each host carries. Follow next_page_token until
   * it is empty. INVALID_ARGUMENT for a page_size above 1000 or a malformed page_token.
   */
  listHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _isawatt_v1_ListHostsRequest, callback: grpc.requestCallback<_isawatt_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  
  ListRuns(argument: _isawatt_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _isawatt_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _isawatt_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _isawatt_v1_ListRunsRequest, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _isawatt_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _isawatt_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _isawatt_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _isawatt_v1_ListRunsRequest, callback: grpc.requestCallback<_isawatt_v1_ListRunsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Run records (`isawatt run`, `isawatt experiment`): the coordinator announces a run's start and
   * stop on MQTT, stores the finished record in <stateDir>/runs/<id>.json and publishes its result.
   */
  MarkRun(argument: _isawatt_v1_MarkRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  MarkRun(argument: _isawatt_v1_MarkRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  MarkRun(argument: _isawatt_v1_MarkRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  MarkRun(argument: _isawatt_v1_MarkRunRequest, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Run records (`isawatt run`, `isawatt experiment`): the coordinator announces a run's start and
   * stop on MQTT, stores the finished record in <stateDir>/runs/<id>.json and publishes its result.
   */
  markRun(argument: _isawatt_v1_MarkRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  markRun(argument: _isawatt_v1_MarkRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  markRun(argument: _isawatt_v1_MarkRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  markRun(argument: _isawatt_v1_MarkRunRequest, callback: grpc.requestCallback<_isawatt_v1_MarkRunResponse__Output>): grpc.ClientUnaryCall;
  
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
   * INVALID_ARGUMENT when the record does not follow the run-record schema (docs/file-formats.md).
   */
  SaveRun(argument: _isawatt_v1_SaveRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  SaveRun(argument: _isawatt_v1_SaveRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  SaveRun(argument: _isawatt_v1_SaveRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  SaveRun(argument: _isawatt_v1_SaveRunRequest, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  /**
   * INVALID_ARGUMENT when the record does not follow the run-record schema (docs/file-formats.md).
   */
  saveRun(argument: _isawatt_v1_SaveRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  saveRun(argument: _isawatt_v1_SaveRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  saveRun(argument: _isawatt_v1_SaveRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  saveRun(argument: _isawatt_v1_SaveRunRequest, callback: grpc.requestCallback<_isawatt_v1_SaveRunResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * The PDU readings of one host over a window (run energy from the lab's ground truth).
   */
  GetPduSeries: grpc.handleUnaryCall<_isawatt_v1_GetPduSeriesRequest__Output, _isawatt_v1_PduSeries>;
  
  /**
   * NOT_FOUND when no run has that id.
   */
  GetRun: grpc.handleUnaryCall<_isawatt_v1_GetRunRequest__Output, _isawatt_v1_GetRunResponse>;
  
  Health: grpc.handleUnaryCall<_isawatt_v1_HealthRequest__Output, _isawatt_v1_HealthResponse>;
  
  /**
   * Hosts in host id order, one page at a time: a page holds at most page_size hosts and stops
   * early once its hosts carry MAX_PAGE_FUNCTIONS function entries (catalogue plus last report),
   * so one call stays small however much state each host carries. Follow next_page_token until
   * it is empty. INVALID_ARGUMENT for a page_size above 1000 or a malformed page_token.
   */
  ListHosts: grpc.handleUnaryCall<_isawatt_v1_ListHostsRequest__Output, _isawatt_v1_ListHostsResponse>;
  
  ListRuns: grpc.handleUnaryCall<_isawatt_v1_ListRunsRequest__Output, _isawatt_v1_ListRunsResponse>;
  
  /**
   * Run records (`isawatt run`, `isawatt experiment`): the coordinator announces a run's start and
   * stop on MQTT, stores the finished record in <stateDir>/runs/<id>.json and publishes its result.
   */
  MarkRun: grpc.handleUnaryCall<_isawatt_v1_MarkRunRequest__Output, _isawatt_v1_MarkRunResponse>;
  
  /**
   * Runs one profile job on one host and answers with its result once the agent sends it. A host
   * that goes down mid-job fails the job (UNAVAILABLE); a cancelled call cancels the job on the
   * agent. Every result is stored in the coordinator's state directory under its campaign.
   */
  ProfileBag: grpc.handleUnaryCall<_isawatt_v1_ProfileBagRequest__Output, _isawatt_v1_ProfileBagResponse>;
  
  /**
   * INVALID_ARGUMENT when the record does not follow the run-record schema (docs/file-formats.md).
   */
  SaveRun: grpc.handleUnaryCall<_isawatt_v1_SaveRunRequest__Output, _isawatt_v1_SaveRunResponse>;
  
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
  GetPduSeries: MethodDefinition<_isawatt_v1_GetPduSeriesRequest, _isawatt_v1_PduSeries, _isawatt_v1_GetPduSeriesRequest__Output, _isawatt_v1_PduSeries__Output>
  GetRun: MethodDefinition<_isawatt_v1_GetRunRequest, _isawatt_v1_GetRunResponse, _isawatt_v1_GetRunRequest__Output, _isawatt_v1_GetRunResponse__Output>
  Health: MethodDefinition<_isawatt_v1_HealthRequest, _isawatt_v1_HealthResponse, _isawatt_v1_HealthRequest__Output, _isawatt_v1_HealthResponse__Output>
  ListHosts: MethodDefinition<_isawatt_v1_ListHostsRequest, _isawatt_v1_ListHostsResponse, _isawatt_v1_ListHostsRequest__Output, _isawatt_v1_ListHostsResponse__Output>
  ListRuns: MethodDefinition<_isawatt_v1_ListRunsRequest, _isawatt_v1_ListRunsResponse, _isawatt_v1_ListRunsRequest__Output, _isawatt_v1_ListRunsResponse__Output>
  MarkRun: MethodDefinition<_isawatt_v1_MarkRunRequest, _isawatt_v1_MarkRunResponse, _isawatt_v1_MarkRunRequest__Output, _isawatt_v1_MarkRunResponse__Output>
  ProfileBag: MethodDefinition<_isawatt_v1_ProfileBagRequest, _isawatt_v1_ProfileBagResponse, _isawatt_v1_ProfileBagRequest__Output, _isawatt_v1_ProfileBagResponse__Output>
  SaveRun: MethodDefinition<_isawatt_v1_SaveRunRequest, _isawatt_v1_SaveRunResponse, _isawatt_v1_SaveRunRequest__Output, _isawatt_v1_SaveRunResponse__Output>
  SetAssignment: MethodDefinition<_isawatt_v1_SetAssignmentRequest, _isawatt_v1_SetAssignmentResponse, _isawatt_v1_SetAssignmentRequest__Output, _isawatt_v1_SetAssignmentResponse__Output>
  WatchTelemetry: MethodDefinition<_isawatt_v1_WatchTelemetryRequest, _isawatt_v1_TelemetryEvent, _isawatt_v1_WatchTelemetryRequest__Output, _isawatt_v1_TelemetryEvent__Output>
}
