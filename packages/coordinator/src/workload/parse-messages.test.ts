// Every message the plan's three input files can produce, pinned word for word: parse.ts validates
// with zod/mini (lighter to load and build than zod's classic API: `isawatt plan`'s cold start,
// bench/plan-cli.ts), and these are the messages the classic API gave, so a user sees the same
// errors as before. Also pins the order issues come in (field order of the schema).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@isawatt/common';
import { hasFewObjects, JIT_MIN_OBJECTS, parseHosts, parseModels, parseWorkload } from './parse.js';

const parsers = { hosts: parseHosts, models: parseModels, workload: parseWorkload } as const;

/** [file kind, what is wrong, document, the issues expected (source "f.yaml")]. */
const CASES: [keyof typeof parsers, string, unknown, string[]][] = [
  [
    'hosts',
    'every host field wrong',
    {
      hosts: [
        { id: '', type: 'x'.repeat(129), arch: 'sparc', cores: 1.5, idlePowerW: -1, extra: 1 },
        { id: '-a', type: 't', arch: 'x86_64', cores: 70000, idlePowerW: 20000 },
        { id: 'h', type: 't', arch: 'x86_64', cores: 0 },
        'host',
      ],
    },
    [
      'f.yaml.hosts.0.id: Too small: expected string to have >=1 characters',
      'f.yaml.hosts.0.id: expected letters, digits, ".", "_" or "-"',
      'f.yaml.hosts.0.type: expected at most 128 characters',
      'f.yaml.hosts.0.arch: expected one of x86_64, aarch64',
      'f.yaml.hosts.0.cores: Invalid input: expected int, received number',
      'f.yaml.hosts.0.idlePowerW: Too small: expected number to be >=0',
      'f.yaml.hosts.0: Unrecognized key: "extra"',
      'f.yaml.hosts.1.id: expected letters, digits, ".", "_" or "-"',
      'f.yaml.hosts.1.cores: expected at most 65536 cores',
      'f.yaml.hosts.1.idlePowerW: expected at most 10000 W',
      'f.yaml.hosts.2.cores: Too small: expected number to be >0',
      'f.yaml.hosts.3: Invalid input: expected object, received string',
    ],
  ],
  ['hosts', 'no hosts, wrong top level', { hosts: [], other: 1 }, ['f.yaml.hosts: expected at least one host', 'f.yaml: Unrecognized key: "other"']],
  ['hosts', 'not an object', 'hosts', ['f.yaml: Invalid input: expected object, received string']],
  [
    'models',
    'every figure wrong',
    {
      source: 1,
      provenance: [],
      hostTypes: {
        'bad type': { arch: 'x86_64', functions: {} },
        t: {
          arch: 'mips',
          idlePowerW: 'x',
          functions: {
            f: {
              execPerSecPerCore: 0,
              energyPerExecJ: 2e6,
              execPerSecPerCoreStd: -1,
              energyPerExecJStd: NaN,
              samples: 1.5,
              spread: {
                bags: 0,
                execPerSecPerCore: { median: 5, min: 1, max: 3, cv: -1, perBag: [0] },
                energyPerExecJ: { median: 1, min: 1, max: 1, cv: 0, perBag: Array(10001).fill(1) },
              },
              openLoop: { utilisation: 1.5, execPerSecPerCore: 2e9, energyPerExecJ: 1e-10, samples: -1 },
              bogus: true,
            },
          },
        },
      },
      categories: { f: 'sport', '': 'web' },
    },
    [
      'f.yaml.source: Invalid input: expected string, received number',
      'f.yaml.provenance: Invalid input: expected record, received array',
      'f.yaml.hostTypes.bad type: Invalid key in record',
      'f.yaml.hostTypes.t.arch: expected one of x86_64, aarch64',
      'f.yaml.hostTypes.t.idlePowerW: Invalid input: expected number, received string',
      'f.yaml.hostTypes.t.functions.f.execPerSecPerCore: expected at least 1e-9 executions/s per core',
      'f.yaml.hostTypes.t.functions.f.energyPerExecJ: expected at most 1000000 J (a physical bound)',
      'f.yaml.hostTypes.t.functions.f.execPerSecPerCoreStd: Too small: expected number to be >=0',
      'f.yaml.hostTypes.t.functions.f.energyPerExecJStd: Invalid input: expected number, received NaN',
      'f.yaml.hostTypes.t.functions.f.samples: Invalid input: expected int, received number',
      'f.yaml.hostTypes.t.functions.f.spread.bags: Too small: expected number to be >0',
      'f.yaml.hostTypes.t.functions.f.spread.execPerSecPerCore.cv: Too small: expected number to be >=0',
      'f.yaml.hostTypes.t.functions.f.spread.execPerSecPerCore.perBag.0: Too small: expected number to be >0',
      'f.yaml.hostTypes.t.functions.f.spread.execPerSecPerCore: expected min <= median <= max',
      'f.yaml.hostTypes.t.functions.f.spread.energyPerExecJ.perBag: Too big: expected array to have <=10000 items',
      'f.yaml.hostTypes.t.functions.f.openLoop.utilisation: expected a share of saturated capacity <= 1',
      'f.yaml.hostTypes.t.functions.f.openLoop.execPerSecPerCore: expected at most 1000000000 executions/s per core (a physical bound)',
      'f.yaml.hostTypes.t.functions.f.openLoop.energyPerExecJ: expected at least 1e-9 J',
      'f.yaml.hostTypes.t.functions.f.openLoop.samples: Too small: expected number to be >=0',
      'f.yaml.hostTypes.t.functions.f: Unrecognized key: "bogus"',
      'f.yaml.categories.f: Invalid option: expected one of "crypto"|"media"|"scientific"|"web"',
      'f.yaml.categories: Invalid key in record',
    ],
  ],
  [
    'models',
    'missing figures',
    { hostTypes: { t: { functions: { f: {} } } } },
    [
      'f.yaml.hostTypes.t.arch: expected one of x86_64, aarch64',
      'f.yaml.hostTypes.t.functions.f.execPerSecPerCore: Invalid input: expected number, received undefined',
      'f.yaml.hostTypes.t.functions.f.energyPerExecJ: Invalid input: expected number, received undefined',
    ],
  ],
  [
    'models',
    'infinite figures',
    {
      hostTypes: {
        t: {
          arch: 'aarch64',
          functions: { f: { execPerSecPerCore: Infinity, energyPerExecJ: -Infinity, openLoop: { utilisation: 0, execPerSecPerCore: 1, energyPerExecJ: 1 } } },
        },
      },
    },
    [
      'f.yaml.hostTypes.t.functions.f.execPerSecPerCore: Invalid input: expected number, received Infinity',
      'f.yaml.hostTypes.t.functions.f.energyPerExecJ: Invalid input: expected number, received -Infinity',
      'f.yaml.hostTypes.t.functions.f.openLoop.utilisation: expected a share of saturated capacity > 0',
    ],
  ],
  [
    'workload',
    'bad rates',
    { functions: [{ name: 'f', rate: 0 }, { name: 'g', rate: 2e9 }, { name: 'h' }, { rate: 1, extra: 2 }, 'f'] },
    [
      'f.yaml.functions.0.rate: rate must be > 0 requests/s',
      'f.yaml.functions.1.rate: rate must be at most 1000000000 requests/s',
      'f.yaml.functions.2.rate: Invalid input: expected number, received undefined',
      'f.yaml.functions.3.name: Invalid input: expected string, received undefined',
      'f.yaml.functions.3: Unrecognized key: "extra"',
      'f.yaml.functions.4: Invalid input: expected object, received string',
    ],
  ],
  ['workload', 'empty rates', { functions: [] }, ['f.yaml.functions: expected at least one function']],
  [
    'workload',
    'bad mix',
    { mix: 'sport', load: -1, functions: [] },
    [
      'f.yaml.mix: expected one of general, crypto-dominated, media-dominated, scientific-dominated, web-dominated',
      'f.yaml.load: load must be > 0 (share of the cluster cores)',
      'f.yaml.functions: Too small: expected array to have >=1 items',
    ],
  ],
  [
    'workload',
    'mix with bad names',
    { mix: 'web', load: 0.3, functions: ['ok', '', 7] },
    [
      'f.yaml.mix: expected one of general, crypto-dominated, media-dominated, scientific-dominated, web-dominated',
      'f.yaml.functions.1: Too small: expected string to have >=1 characters',
      'f.yaml.functions.1: expected letters, digits, ".", "_" or "-"',
      'f.yaml.functions.2: Invalid input: expected string, received number',
    ],
  ],
];

for (const [kind, label, doc, issues] of CASES) {
  test(`${kind} file, ${label}: every issue reported, with the same words and order as before`, () => {
    assert.throws(
      () => parsers[kind](doc, 'f.yaml'),
      (e: unknown) => e instanceof ConfigError && (assert.deepEqual(e.issues, issues), true),
    );
  });
}

test('hasFewObjects counts objects and arrays up to its limit', () => {
  assert.equal(hasFewObjects({ a: [{}, {}], b: 1 }, 5), true); // 4: the root, a, two objects
  assert.equal(hasFewObjects({ a: [{}, {}, {}], b: 1 }, 5), false);
  assert.equal(hasFewObjects('text', 1), true);
});

test('a document with many objects (compiled parsers) gives the same issues as a small one (interpreted)', () => {
  const functions = (n: number, bad: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { f0: bad };
    for (let i = 1; i < n; i++) out[`f${i}`] = { execPerSecPerCore: 10, energyPerExecJ: 0.1 };
    return out;
  };
  const bad = { execPerSecPerCore: 0, energyPerExecJ: 2e6, samples: 1.5, extra: 1 };
  const issuesOf = (n: number): readonly string[] => {
    const doc = { hostTypes: { t: { arch: 'x86_64', functions: functions(n, bad) } } };
    try {
      parseModels(doc, 'f.yaml');
    } catch (e) {
      if (e instanceof ConfigError) return e.issues;
    }
    return ['no error'];
  };
  assert.equal(hasFewObjects({ hostTypes: { t: { functions: functions(JIT_MIN_OBJECTS, bad) } } }), false);
  const expected = [
    'f.yaml.hostTypes.t.functions.f0.execPerSecPerCore: expected at least 1e-9 executions/s per core',
    'f.yaml.hostTypes.t.functions.f0.energyPerExecJ: expected at most 1000000 J (a physical bound)',
    'f.yaml.hostTypes.t.functions.f0.samples: Invalid input: expected int, received number',
    'f.yaml.hostTypes.t.functions.f0: Unrecognized key: "extra"',
  ];
  assert.deepEqual(issuesOf(3), expected);
  assert.deepEqual(issuesOf(JIT_MIN_OBJECTS), expected);
});
