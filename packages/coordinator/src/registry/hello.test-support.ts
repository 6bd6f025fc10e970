// A registered agent's Hello for the tests of the registry and of what reads it (metrics, MQTT,
// profiling): the ~20 fields a Hello must have, set once, so that a test names only the fields it
// is about and a field added to Hello is added here, not in every test file.
import type { Hello } from './types.js';

/**
 * The Hello of an agent on hostId: an x86_64 host (2 sockets, 32 cores, 64 CPUs; functions on CPUs
 * 2-5), not emulated, its energy source and catalogue empty, session 's1'; `over` replaces fields.
 */
export function testHello(hostId: string, over: Partial<Hello> = {}): Hello {
  return {
    hostId,
    arch: 'x86_64',
    cpuModel: 'test cpu',
    sockets: 2,
    physicalCores: 32,
    logicalCpus: 64,
    functionCpus: [2, 3, 4, 5],
    hostType: 'test',
    energySources: [],
    counterSource: 'cgroup-cputime',
    pinning: 'sched-affinity',
    catalogue: [],
    agentVersion: 'test',
    sessionId: 's1',
    emulated: false,
    emulatedProfile: '',
    runningAssignmentVersion: 0n,
    memoryBytes: 1n << 40n,
    idlePowerW: 0,
    ...over,
  };
}
