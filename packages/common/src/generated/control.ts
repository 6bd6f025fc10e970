import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentLinkClient as _isawatt_v1_AgentLinkClient, AgentLinkDefinition as _isawatt_v1_AgentLinkDefinition } from './isawatt/v1/AgentLink.js';
import type { AgentMessage as _isawatt_v1_AgentMessage, AgentMessage__Output as _isawatt_v1_AgentMessage__Output } from './isawatt/v1/AgentMessage.js';
import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from './isawatt/v1/Assignment.js';
import type { AssignmentAck as _isawatt_v1_AssignmentAck, AssignmentAck__Output as _isawatt_v1_AssignmentAck__Output } from './isawatt/v1/AssignmentAck.js';
import type { BagResult as _isawatt_v1_BagResult, BagResult__Output as _isawatt_v1_BagResult__Output } from './isawatt/v1/BagResult.js';
import type { BeginProfileCampaignRequest as _isawatt_v1_BeginProfileCampaignRequest, BeginProfileCampaignRequest__Output as _isawatt_v1_BeginProfileCampaignRequest__Output } from './isawatt/v1/BeginProfileCampaignRequest.js';
import type { CancelProfileRequest as _isawatt_v1_CancelProfileRequest, CancelProfileRequest__Output as _isawatt_v1_CancelProfileRequest__Output } from './isawatt/v1/CancelProfileRequest.js';
import type { CancelProfileResponse as _isawatt_v1_CancelProfileResponse, CancelProfileResponse__Output as _isawatt_v1_CancelProfileResponse__Output } from './isawatt/v1/CancelProfileResponse.js';
import type { ControlClient as _isawatt_v1_ControlClient, ControlDefinition as _isawatt_v1_ControlDefinition } from './isawatt/v1/Control.js';
import type { CoordinatorMessage as _isawatt_v1_CoordinatorMessage, CoordinatorMessage__Output as _isawatt_v1_CoordinatorMessage__Output } from './isawatt/v1/CoordinatorMessage.js';
import type { DeployRequest as _isawatt_v1_DeployRequest, DeployRequest__Output as _isawatt_v1_DeployRequest__Output } from './isawatt/v1/DeployRequest.js';
import type { DeployResponse as _isawatt_v1_DeployResponse, DeployResponse__Output as _isawatt_v1_DeployResponse__Output } from './isawatt/v1/DeployResponse.js';
import type { DomainEnergy as _isawatt_v1_DomainEnergy, DomainEnergy__Output as _isawatt_v1_DomainEnergy__Output } from './isawatt/v1/DomainEnergy.js';
import type { EnergySourceInfo as _isawatt_v1_EnergySourceInfo, EnergySourceInfo__Output as _isawatt_v1_EnergySourceInfo__Output } from './isawatt/v1/EnergySourceInfo.js';
import type { FunctionAssignment as _isawatt_v1_FunctionAssignment, FunctionAssignment__Output as _isawatt_v1_FunctionAssignment__Output } from './isawatt/v1/FunctionAssignment.js';
import type { FunctionEnergy as _isawatt_v1_FunctionEnergy, FunctionEnergy__Output as _isawatt_v1_FunctionEnergy__Output } from './isawatt/v1/FunctionEnergy.js';
import type { FunctionInfo as _isawatt_v1_FunctionInfo, FunctionInfo__Output as _isawatt_v1_FunctionInfo__Output } from './isawatt/v1/FunctionInfo.js';
import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from './isawatt/v1/FunctionPlacement.js';
import type { FunctionProfile as _isawatt_v1_FunctionProfile, FunctionProfile__Output as _isawatt_v1_FunctionProfile__Output } from './isawatt/v1/FunctionProfile.js';
import type { GetAssignmentRequest as _isawatt_v1_GetAssignmentRequest, GetAssignmentRequest__Output as _isawatt_v1_GetAssignmentRequest__Output } from './isawatt/v1/GetAssignmentRequest.js';
import type { GetHostRequest as _isawatt_v1_GetHostRequest, GetHostRequest__Output as _isawatt_v1_GetHostRequest__Output } from './isawatt/v1/GetHostRequest.js';
import type { GetModelEstimatesRequest as _isawatt_v1_GetModelEstimatesRequest, GetModelEstimatesRequest__Output as _isawatt_v1_GetModelEstimatesRequest__Output } from './isawatt/v1/GetModelEstimatesRequest.js';
import type { GetModelEstimatesResponse as _isawatt_v1_GetModelEstimatesResponse, GetModelEstimatesResponse__Output as _isawatt_v1_GetModelEstimatesResponse__Output } from './isawatt/v1/GetModelEstimatesResponse.js';
import type { GetPduSeriesRequest as _isawatt_v1_GetPduSeriesRequest, GetPduSeriesRequest__Output as _isawatt_v1_GetPduSeriesRequest__Output } from './isawatt/v1/GetPduSeriesRequest.js';
import type { GetRunRequest as _isawatt_v1_GetRunRequest, GetRunRequest__Output as _isawatt_v1_GetRunRequest__Output } from './isawatt/v1/GetRunRequest.js';
import type { GetRunResponse as _isawatt_v1_GetRunResponse, GetRunResponse__Output as _isawatt_v1_GetRunResponse__Output } from './isawatt/v1/GetRunResponse.js';
import type { HealthRequest as _isawatt_v1_HealthRequest, HealthRequest__Output as _isawatt_v1_HealthRequest__Output } from './isawatt/v1/HealthRequest.js';
import type { HealthResponse as _isawatt_v1_HealthResponse, HealthResponse__Output as _isawatt_v1_HealthResponse__Output } from './isawatt/v1/HealthResponse.js';
import type { Hello as _isawatt_v1_Hello, Hello__Output as _isawatt_v1_Hello__Output } from './isawatt/v1/Hello.js';
import type { Host as _isawatt_v1_Host, Host__Output as _isawatt_v1_Host__Output } from './isawatt/v1/Host.js';
import type { HostAck as _isawatt_v1_HostAck, HostAck__Output as _isawatt_v1_HostAck__Output } from './isawatt/v1/HostAck.js';
import type { HostAssignment as _isawatt_v1_HostAssignment, HostAssignment__Output as _isawatt_v1_HostAssignment__Output } from './isawatt/v1/HostAssignment.js';
import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from './isawatt/v1/InvocationStats.js';
import type { ListHostsRequest as _isawatt_v1_ListHostsRequest, ListHostsRequest__Output as _isawatt_v1_ListHostsRequest__Output } from './isawatt/v1/ListHostsRequest.js';
import type { ListHostsResponse as _isawatt_v1_ListHostsResponse, ListHostsResponse__Output as _isawatt_v1_ListHostsResponse__Output } from './isawatt/v1/ListHostsResponse.js';
import type { ListRunsRequest as _isawatt_v1_ListRunsRequest, ListRunsRequest__Output as _isawatt_v1_ListRunsRequest__Output } from './isawatt/v1/ListRunsRequest.js';
import type { ListRunsResponse as _isawatt_v1_ListRunsResponse, ListRunsResponse__Output as _isawatt_v1_ListRunsResponse__Output } from './isawatt/v1/ListRunsResponse.js';
import type { MarkRunRequest as _isawatt_v1_MarkRunRequest, MarkRunRequest__Output as _isawatt_v1_MarkRunRequest__Output } from './isawatt/v1/MarkRunRequest.js';
import type { MarkRunResponse as _isawatt_v1_MarkRunResponse, MarkRunResponse__Output as _isawatt_v1_MarkRunResponse__Output } from './isawatt/v1/MarkRunResponse.js';
import type { ModelEstimate as _isawatt_v1_ModelEstimate, ModelEstimate__Output as _isawatt_v1_ModelEstimate__Output } from './isawatt/v1/ModelEstimate.js';
import type { OpenLoopProfile as _isawatt_v1_OpenLoopProfile, OpenLoopProfile__Output as _isawatt_v1_OpenLoopProfile__Output } from './isawatt/v1/OpenLoopProfile.js';
import type { PduPoint as _isawatt_v1_PduPoint, PduPoint__Output as _isawatt_v1_PduPoint__Output } from './isawatt/v1/PduPoint.js';
import type { PduSeries as _isawatt_v1_PduSeries, PduSeries__Output as _isawatt_v1_PduSeries__Output } from './isawatt/v1/PduSeries.js';
import type { ProfileBagRequest as _isawatt_v1_ProfileBagRequest, ProfileBagRequest__Output as _isawatt_v1_ProfileBagRequest__Output } from './isawatt/v1/ProfileBagRequest.js';
import type { ProfileBagResponse as _isawatt_v1_ProfileBagResponse, ProfileBagResponse__Output as _isawatt_v1_ProfileBagResponse__Output } from './isawatt/v1/ProfileBagResponse.js';
import type { ProfileCampaignState as _isawatt_v1_ProfileCampaignState, ProfileCampaignState__Output as _isawatt_v1_ProfileCampaignState__Output } from './isawatt/v1/ProfileCampaignState.js';
import type { ProfileCancel as _isawatt_v1_ProfileCancel, ProfileCancel__Output as _isawatt_v1_ProfileCancel__Output } from './isawatt/v1/ProfileCancel.js';
import type { ProfileJob as _isawatt_v1_ProfileJob, ProfileJob__Output as _isawatt_v1_ProfileJob__Output } from './isawatt/v1/ProfileJob.js';
import type { RunSummary as _isawatt_v1_RunSummary, RunSummary__Output as _isawatt_v1_RunSummary__Output } from './isawatt/v1/RunSummary.js';
import type { SaveRunRequest as _isawatt_v1_SaveRunRequest, SaveRunRequest__Output as _isawatt_v1_SaveRunRequest__Output } from './isawatt/v1/SaveRunRequest.js';
import type { SaveRunResponse as _isawatt_v1_SaveRunResponse, SaveRunResponse__Output as _isawatt_v1_SaveRunResponse__Output } from './isawatt/v1/SaveRunResponse.js';
import type { SetAssignmentRequest as _isawatt_v1_SetAssignmentRequest, SetAssignmentRequest__Output as _isawatt_v1_SetAssignmentRequest__Output } from './isawatt/v1/SetAssignmentRequest.js';
import type { SetAssignmentResponse as _isawatt_v1_SetAssignmentResponse, SetAssignmentResponse__Output as _isawatt_v1_SetAssignmentResponse__Output } from './isawatt/v1/SetAssignmentResponse.js';
import type { StoredBagResult as _isawatt_v1_StoredBagResult, StoredBagResult__Output as _isawatt_v1_StoredBagResult__Output } from './isawatt/v1/StoredBagResult.js';
import type { TelemetryEvent as _isawatt_v1_TelemetryEvent, TelemetryEvent__Output as _isawatt_v1_TelemetryEvent__Output } from './isawatt/v1/TelemetryEvent.js';
import type { TelemetryReport as _isawatt_v1_TelemetryReport, TelemetryReport__Output as _isawatt_v1_TelemetryReport__Output } from './isawatt/v1/TelemetryReport.js';
import type { WatchTelemetryRequest as _isawatt_v1_WatchTelemetryRequest, WatchTelemetryRequest__Output as _isawatt_v1_WatchTelemetryRequest__Output } from './isawatt/v1/WatchTelemetryRequest.js';
import type { Welcome as _isawatt_v1_Welcome, Welcome__Output as _isawatt_v1_Welcome__Output } from './isawatt/v1/Welcome.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  isawatt: {
    v1: {
      AgentLink: SubtypeConstructor<typeof grpc.Client, _isawatt_v1_AgentLinkClient> & { service: _isawatt_v1_AgentLinkDefinition }
      AgentMessage: MessageTypeDefinition<_isawatt_v1_AgentMessage, _isawatt_v1_AgentMessage__Output>
      Arch: EnumTypeDefinition
      Assignment: MessageTypeDefinition<_isawatt_v1_Assignment, _isawatt_v1_Assignment__Output>
      AssignmentAck: MessageTypeDefinition<_isawatt_v1_AssignmentAck, _isawatt_v1_AssignmentAck__Output>
      BagResult: MessageTypeDefinition<_isawatt_v1_BagResult, _isawatt_v1_BagResult__Output>
      BeginProfileCampaignRequest: MessageTypeDefinition<_isawatt_v1_BeginProfileCampaignRequest, _isawatt_v1_BeginProfileCampaignRequest__Output>
      CancelProfileRequest: MessageTypeDefinition<_isawatt_v1_CancelProfileRequest, _isawatt_v1_CancelProfileRequest__Output>
      CancelProfileResponse: MessageTypeDefinition<_isawatt_v1_CancelProfileResponse, _isawatt_v1_CancelProfileResponse__Output>
      Control: SubtypeConstructor<typeof grpc.Client, _isawatt_v1_ControlClient> & { service: _isawatt_v1_ControlDefinition }
      CoordinatorMessage: MessageTypeDefinition<_isawatt_v1_CoordinatorMessage, _isawatt_v1_CoordinatorMessage__Output>
      DeployRequest: MessageTypeDefinition<_isawatt_v1_DeployRequest, _isawatt_v1_DeployRequest__Output>
      DeployResponse: MessageTypeDefinition<_isawatt_v1_DeployResponse, _isawatt_v1_DeployResponse__Output>
      DomainEnergy: MessageTypeDefinition<_isawatt_v1_DomainEnergy, _isawatt_v1_DomainEnergy__Output>
      EnergySourceInfo: MessageTypeDefinition<_isawatt_v1_EnergySourceInfo, _isawatt_v1_EnergySourceInfo__Output>
      FunctionAssignment: MessageTypeDefinition<_isawatt_v1_FunctionAssignment, _isawatt_v1_FunctionAssignment__Output>
      FunctionEnergy: MessageTypeDefinition<_isawatt_v1_FunctionEnergy, _isawatt_v1_FunctionEnergy__Output>
      FunctionInfo: MessageTypeDefinition<_isawatt_v1_FunctionInfo, _isawatt_v1_FunctionInfo__Output>
      FunctionPlacement: MessageTypeDefinition<_isawatt_v1_FunctionPlacement, _isawatt_v1_FunctionPlacement__Output>
      FunctionProfile: MessageTypeDefinition<_isawatt_v1_FunctionProfile, _isawatt_v1_FunctionProfile__Output>
      GetAssignmentRequest: MessageTypeDefinition<_isawatt_v1_GetAssignmentRequest, _isawatt_v1_GetAssignmentRequest__Output>
      GetHostRequest: MessageTypeDefinition<_isawatt_v1_GetHostRequest, _isawatt_v1_GetHostRequest__Output>
      GetModelEstimatesRequest: MessageTypeDefinition<_isawatt_v1_GetModelEstimatesRequest, _isawatt_v1_GetModelEstimatesRequest__Output>
      GetModelEstimatesResponse: MessageTypeDefinition<_isawatt_v1_GetModelEstimatesResponse, _isawatt_v1_GetModelEstimatesResponse__Output>
      GetPduSeriesRequest: MessageTypeDefinition<_isawatt_v1_GetPduSeriesRequest, _isawatt_v1_GetPduSeriesRequest__Output>
      GetRunRequest: MessageTypeDefinition<_isawatt_v1_GetRunRequest, _isawatt_v1_GetRunRequest__Output>
      GetRunResponse: MessageTypeDefinition<_isawatt_v1_GetRunResponse, _isawatt_v1_GetRunResponse__Output>
      HealthRequest: MessageTypeDefinition<_isawatt_v1_HealthRequest, _isawatt_v1_HealthRequest__Output>
      HealthResponse: MessageTypeDefinition<_isawatt_v1_HealthResponse, _isawatt_v1_HealthResponse__Output>
      Hello: MessageTypeDefinition<_isawatt_v1_Hello, _isawatt_v1_Hello__Output>
      Host: MessageTypeDefinition<_isawatt_v1_Host, _isawatt_v1_Host__Output>
      HostAck: MessageTypeDefinition<_isawatt_v1_HostAck, _isawatt_v1_HostAck__Output>
      HostAssignment: MessageTypeDefinition<_isawatt_v1_HostAssignment, _isawatt_v1_HostAssignment__Output>
      HostState: EnumTypeDefinition
      InvocationStats: MessageTypeDefinition<_isawatt_v1_InvocationStats, _isawatt_v1_InvocationStats__Output>
      ListHostsRequest: MessageTypeDefinition<_isawatt_v1_ListHostsRequest, _isawatt_v1_ListHostsRequest__Output>
      ListHostsResponse: MessageTypeDefinition<_isawatt_v1_ListHostsResponse, _isawatt_v1_ListHostsResponse__Output>
      ListRunsRequest: MessageTypeDefinition<_isawatt_v1_ListRunsRequest, _isawatt_v1_ListRunsRequest__Output>
      ListRunsResponse: MessageTypeDefinition<_isawatt_v1_ListRunsResponse, _isawatt_v1_ListRunsResponse__Output>
      MarkRunRequest: MessageTypeDefinition<_isawatt_v1_MarkRunRequest, _isawatt_v1_MarkRunRequest__Output>
      MarkRunResponse: MessageTypeDefinition<_isawatt_v1_MarkRunResponse, _isawatt_v1_MarkRunResponse__Output>
      ModelEstimate: MessageTypeDefinition<_isawatt_v1_ModelEstimate, _isawatt_v1_ModelEstimate__Output>
      OpenLoopProfile: MessageTypeDefinition<_isawatt_v1_OpenLoopProfile, _isawatt_v1_OpenLoopProfile__Output>
      PduPoint: MessageTypeDefinition<_isawatt_v1_PduPoint, _isawatt_v1_PduPoint__Output>
      PduSeries: MessageTypeDefinition<_isawatt_v1_PduSeries, _isawatt_v1_PduSeries__Output>
      ProfileBagRequest: MessageTypeDefinition<_isawatt_v1_ProfileBagRequest, _isawatt_v1_ProfileBagRequest__Output>
      ProfileBagResponse: MessageTypeDefinition<_isawatt_v1_ProfileBagResponse, _isawatt_v1_ProfileBagResponse__Output>
      ProfileCampaignState: MessageTypeDefinition<_isawatt_v1_ProfileCampaignState, _isawatt_v1_ProfileCampaignState__Output>
      ProfileCancel: MessageTypeDefinition<_isawatt_v1_ProfileCancel, _isawatt_v1_ProfileCancel__Output>
      ProfileJob: MessageTypeDefinition<_isawatt_v1_ProfileJob, _isawatt_v1_ProfileJob__Output>
      Quality: EnumTypeDefinition
      RunSummary: MessageTypeDefinition<_isawatt_v1_RunSummary, _isawatt_v1_RunSummary__Output>
      SaveRunRequest: MessageTypeDefinition<_isawatt_v1_SaveRunRequest, _isawatt_v1_SaveRunRequest__Output>
      SaveRunResponse: MessageTypeDefinition<_isawatt_v1_SaveRunResponse, _isawatt_v1_SaveRunResponse__Output>
      SetAssignmentRequest: MessageTypeDefinition<_isawatt_v1_SetAssignmentRequest, _isawatt_v1_SetAssignmentRequest__Output>
      SetAssignmentResponse: MessageTypeDefinition<_isawatt_v1_SetAssignmentResponse, _isawatt_v1_SetAssignmentResponse__Output>
      StoredBagResult: MessageTypeDefinition<_isawatt_v1_StoredBagResult, _isawatt_v1_StoredBagResult__Output>
      TelemetryEvent: MessageTypeDefinition<_isawatt_v1_TelemetryEvent, _isawatt_v1_TelemetryEvent__Output>
      TelemetryReport: MessageTypeDefinition<_isawatt_v1_TelemetryReport, _isawatt_v1_TelemetryReport__Output>
      WatchTelemetryRequest: MessageTypeDefinition<_isawatt_v1_WatchTelemetryRequest, _isawatt_v1_WatchTelemetryRequest__Output>
      Welcome: MessageTypeDefinition<_isawatt_v1_Welcome, _isawatt_v1_Welcome__Output>
    }
  }
}

