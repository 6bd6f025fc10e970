import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentLinkClient as _isawatt_v1_AgentLinkClient, AgentLinkDefinition as _isawatt_v1_AgentLinkDefinition } from './isawatt/v1/AgentLink.js';
import type { AgentMessage as _isawatt_v1_AgentMessage, AgentMessage__Output as _isawatt_v1_AgentMessage__Output } from './isawatt/v1/AgentMessage.js';
import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from './isawatt/v1/Assignment.js';
import type { AssignmentAck as _isawatt_v1_AssignmentAck, AssignmentAck__Output as _isawatt_v1_AssignmentAck__Output } from './isawatt/v1/AssignmentAck.js';
import type { BagResult as _isawatt_v1_BagResult, BagResult__Output as _isawatt_v1_BagResult__Output } from './isawatt/v1/BagResult.js';
import type { CoordinatorMessage as _isawatt_v1_CoordinatorMessage, CoordinatorMessage__Output as _isawatt_v1_CoordinatorMessage__Output } from './isawatt/v1/CoordinatorMessage.js';
import type { DomainEnergy as _isawatt_v1_DomainEnergy, DomainEnergy__Output as _isawatt_v1_DomainEnergy__Output } from './isawatt/v1/DomainEnergy.js';
import type { EnergySourceInfo as _isawatt_v1_EnergySourceInfo, EnergySourceInfo__Output as _isawatt_v1_EnergySourceInfo__Output } from './isawatt/v1/EnergySourceInfo.js';
import type { FunctionAssignment as _isawatt_v1_FunctionAssignment, FunctionAssignment__Output as _isawatt_v1_FunctionAssignment__Output } from './isawatt/v1/FunctionAssignment.js';
import type { FunctionEnergy as _isawatt_v1_FunctionEnergy, FunctionEnergy__Output as _isawatt_v1_FunctionEnergy__Output } from './isawatt/v1/FunctionEnergy.js';
import type { FunctionInfo as _isawatt_v1_FunctionInfo, FunctionInfo__Output as _isawatt_v1_FunctionInfo__Output } from './isawatt/v1/FunctionInfo.js';
import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from './isawatt/v1/FunctionPlacement.js';
import type { FunctionProfile as _isawatt_v1_FunctionProfile, FunctionProfile__Output as _isawatt_v1_FunctionProfile__Output } from './isawatt/v1/FunctionProfile.js';
import type { Hello as _isawatt_v1_Hello, Hello__Output as _isawatt_v1_Hello__Output } from './isawatt/v1/Hello.js';
import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from './isawatt/v1/InvocationStats.js';
import type { OpenLoopProfile as _isawatt_v1_OpenLoopProfile, OpenLoopProfile__Output as _isawatt_v1_OpenLoopProfile__Output } from './isawatt/v1/OpenLoopProfile.js';
import type { ProfileCancel as _isawatt_v1_ProfileCancel, ProfileCancel__Output as _isawatt_v1_ProfileCancel__Output } from './isawatt/v1/ProfileCancel.js';
import type { ProfileJob as _isawatt_v1_ProfileJob, ProfileJob__Output as _isawatt_v1_ProfileJob__Output } from './isawatt/v1/ProfileJob.js';
import type { TelemetryReport as _isawatt_v1_TelemetryReport, TelemetryReport__Output as _isawatt_v1_TelemetryReport__Output } from './isawatt/v1/TelemetryReport.js';
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
      CoordinatorMessage: MessageTypeDefinition<_isawatt_v1_CoordinatorMessage, _isawatt_v1_CoordinatorMessage__Output>
      DomainEnergy: MessageTypeDefinition<_isawatt_v1_DomainEnergy, _isawatt_v1_DomainEnergy__Output>
      EnergySourceInfo: MessageTypeDefinition<_isawatt_v1_EnergySourceInfo, _isawatt_v1_EnergySourceInfo__Output>
      FunctionAssignment: MessageTypeDefinition<_isawatt_v1_FunctionAssignment, _isawatt_v1_FunctionAssignment__Output>
      FunctionEnergy: MessageTypeDefinition<_isawatt_v1_FunctionEnergy, _isawatt_v1_FunctionEnergy__Output>
      FunctionInfo: MessageTypeDefinition<_isawatt_v1_FunctionInfo, _isawatt_v1_FunctionInfo__Output>
      FunctionPlacement: MessageTypeDefinition<_isawatt_v1_FunctionPlacement, _isawatt_v1_FunctionPlacement__Output>
      FunctionProfile: MessageTypeDefinition<_isawatt_v1_FunctionProfile, _isawatt_v1_FunctionProfile__Output>
      Hello: MessageTypeDefinition<_isawatt_v1_Hello, _isawatt_v1_Hello__Output>
      InvocationStats: MessageTypeDefinition<_isawatt_v1_InvocationStats, _isawatt_v1_InvocationStats__Output>
      OpenLoopProfile: MessageTypeDefinition<_isawatt_v1_OpenLoopProfile, _isawatt_v1_OpenLoopProfile__Output>
      ProfileCancel: MessageTypeDefinition<_isawatt_v1_ProfileCancel, _isawatt_v1_ProfileCancel__Output>
      ProfileJob: MessageTypeDefinition<_isawatt_v1_ProfileJob, _isawatt_v1_ProfileJob__Output>
      Quality: EnumTypeDefinition
      TelemetryReport: MessageTypeDefinition<_isawatt_v1_TelemetryReport, _isawatt_v1_TelemetryReport__Output>
      Welcome: MessageTypeDefinition<_isawatt_v1_Welcome, _isawatt_v1_Welcome__Output>
    }
  }
}

