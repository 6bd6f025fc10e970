// The campaign's time estimate (--dry-run): every bag's warm-ups and windows, and what starting,
// warming and stopping its workers costs, which grows with the bag (a bag of 8 took 3x the old
// flat 5 s estimate on the emulated pair).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAG_OVERHEAD, estimateMs } from './campaign-setup.js';
import type { CampaignPlan } from './campaign.js';

function plan(bagSize: number, bags: number, openLoop: number[]): CampaignPlan {
  const fns = Array.from({ length: bagSize }, (_, i) => `f${i}`);
  const host = (id: string, hostType: string, arch: 'x86_64' | 'aarch64') => ({ hostId: id, hostType, arch, functionCpus: 96 });
  return {
    campaignId: 'c',
    bags: Array.from({ length: bags }, () => fns),
    hostTypes: [
      { hostType: 'x', arch: 'x86_64', hosts: [host('x1', 'x', 'x86_64')], coresPerFunction: 12 },
      { hostType: 'a', arch: 'aarch64', hosts: [host('a1', 'a', 'aarch64'), host('a2', 'a', 'aarch64')], coresPerFunction: 12 },
    ],
    durationMs: 20_000,
    warmupMs: 3000,
    idleMs: 5000,
    openLoopUtilisations: openLoop,
  };
}

test('estimate: idle once, then per bag two phases of warm-up + window and a start-up that grows with the bag', () => {
  // The single-host type decides: 6 rounds.
  const perBag = (n: number) => 2 * (3000 + 20_000) + BAG_OVERHEAD.perBagMs + n * BAG_OVERHEAD.perFunctionMs;
  assert.equal(estimateMs(plan(4, 6, [0.85])), 5000 + 6 * perBag(4));
  assert.equal(estimateMs(plan(8, 6, [0.85])) - estimateMs(plan(4, 6, [0.85])), 6 * 4 * BAG_OVERHEAD.perFunctionMs);
  assert.equal(estimateMs(plan(4, 6, [])), 5000 + 6 * (23_000 + BAG_OVERHEAD.perBagMs + 4 * BAG_OVERHEAD.perFunctionMs), 'no open loop: one phase');
  // Every further open-loop utilisation adds one warm-up and one window to every bag.
  assert.equal(estimateMs(plan(4, 6, [0.6, 0.85])) - estimateMs(plan(4, 6, [0.85])), 6 * 23_000, 'two open-loop points: three phases');
});
