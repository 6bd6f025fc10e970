// Public surface of @isawatt/agent for integration tests, benchmarks and tools. The daemon itself
// starts from main.ts (bin/isawatt-agent.mjs); nothing here has side effects.
export { loadAgentConfig, agentConfigSchema, AGENT_ENV_MAP, CONFIG_FILE_ENV, DEFAULT_HTTP_PORT, parseCpuList } from './config.js';
export type { ResolvedAgentConfig, LoadedAgentConfig, AgentConfigInput, LogLevel } from './config.js';
export { detectHardware } from './hardware/detect.js';
export type { HostHardware, LiveProbe, LiveFacts, DetectOptions } from './hardware/detect.js';
export { TelemetryMonitor } from './telemetry/monitor.js';
export type { MonitorOptions, ProcessFigures } from './telemetry/monitor.js';
export type { TickSnapshot, TelemetrySource, InvocationFigures, DomainFigure, FunctionFigure } from './telemetry/snapshot.js';
export type { Quality, Arch } from '@isawatt/common';
export { readProcStat, parseProcStat, utilizationBetween } from './hostfs/proc-stat.js';
export type { EnergyMeter, EnergyDomainInfo, DomainSample, MeterSample } from './sensors/energy-meter.js';
export type { ActivitySource, ActivitySample, ActivityTarget, TargetActivity } from './counters/activity-source.js';
export type { Attributor, AttributionInput, AttributionResult, FunctionAttribution } from './attribution/attributor.js';
export type { FunctionRuntime, AssignmentSpec, ApplyResult, PlacementInfo, CatalogueEntryInfo, PinningMode } from './runtime/function-runtime.js';
export { CoordinatorLink } from './link/coordinator-client.js';
export type { LinkStats, WelcomeInfo, CoordinatorLinkOptions } from './link/coordinator-client.js';
export { encodeTelemetry, decodeTelemetry, encodeHello, decodeAssignment, encodeAssignmentAck } from './link/codec.js';
export type { HelloInfo } from './link/hello-info.js';
export type { EnergySourceRecord } from './sensors/create-meter.js';
export { runCli } from './cli/index.js';
export type { CliDeps, CommandRegistrar } from './cli/index.js';
