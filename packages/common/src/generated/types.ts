import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Assignment as _isawatt_v1_Assignment, Assignment__Output as _isawatt_v1_Assignment__Output } from './isawatt/v1/Assignment.js';
import type { EnergySourceInfo as _isawatt_v1_EnergySourceInfo, EnergySourceInfo__Output as _isawatt_v1_EnergySourceInfo__Output } from './isawatt/v1/EnergySourceInfo.js';
import type { FunctionAssignment as _isawatt_v1_FunctionAssignment, FunctionAssignment__Output as _isawatt_v1_FunctionAssignment__Output } from './isawatt/v1/FunctionAssignment.js';
import type { FunctionInfo as _isawatt_v1_FunctionInfo, FunctionInfo__Output as _isawatt_v1_FunctionInfo__Output } from './isawatt/v1/FunctionInfo.js';
import type { FunctionPlacement as _isawatt_v1_FunctionPlacement, FunctionPlacement__Output as _isawatt_v1_FunctionPlacement__Output } from './isawatt/v1/FunctionPlacement.js';
import type { InvocationStats as _isawatt_v1_InvocationStats, InvocationStats__Output as _isawatt_v1_InvocationStats__Output } from './isawatt/v1/InvocationStats.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  isawatt: {
    v1: {
      Arch: EnumTypeDefinition
      Assignment: MessageTypeDefinition<_isawatt_v1_Assignment, _isawatt_v1_Assignment__Output>
      EnergySourceInfo: MessageTypeDefinition<_isawatt_v1_EnergySourceInfo, _isawatt_v1_EnergySourceInfo__Output>
      FunctionAssignment: MessageTypeDefinition<_isawatt_v1_FunctionAssignment, _isawatt_v1_FunctionAssignment__Output>
      FunctionInfo: MessageTypeDefinition<_isawatt_v1_FunctionInfo, _isawatt_v1_FunctionInfo__Output>
      FunctionPlacement: MessageTypeDefinition<_isawatt_v1_FunctionPlacement, _isawatt_v1_FunctionPlacement__Output>
      InvocationStats: MessageTypeDefinition<_isawatt_v1_InvocationStats, _isawatt_v1_InvocationStats__Output>
      Quality: EnumTypeDefinition
    }
  }
}

