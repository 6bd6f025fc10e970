// Route table and host picking of the gateway: which hosts run a function (up, with an /invoke
// address, the function with cores), wildcard addresses replaced by the peer IP, weights from rate
// shares (cores when no share has a rate), and smooth weighted round robin keeping the proportions
// exactly over every window of sum-of-weights picks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostView } from '../registry/types.js';
import { buildRoutes, dialAddress, splitAddress, WeightedPicker } from './routes.js';

function host(
  id: string,
  over: { state?: 'up' | 'down'; invoke?: string; scheme?: 'http' | 'https'; peer?: string; fns: [string, number, number][] },
): HostView {
  return {
    hostId: id,
    state: over.state ?? 'up',
    hello: { invokeAddress: over.invoke, invokeScheme: over.scheme } as HostView['hello'],
    peer: over.peer ?? '10.0.0.9:51000',
    assignment: { version: 1n, issuedAtMs: 0, functions: over.fns.map(([f, cores, rateRps]) => ({ function: f, cores, rateRps, arrival: '' })) },
  } as unknown as HostView;
}

describe('gateway routes', () => {
  test('dial address: as advertised, or the peer IP for a wildcard host', () => {
    assert.equal(dialAddress('127.0.0.1:9478', '10.0.0.9:5000'), '127.0.0.1:9478');
    assert.equal(dialAddress('0.0.0.0:9478', '10.0.0.9:5000'), '10.0.0.9:9478');
    assert.equal(dialAddress('[::]:9478', '[fd00::5]:5000'), '[fd00::5]:9478');
    assert.equal(dialAddress('0.0.0.0:9478', ''), undefined);
  });

  test('only up hosts with an endpoint and the function with cores, with their scheme; weights from rate shares, else cores', () => {
    const routes = buildRoutes([
      host('a', {
        invoke: '127.0.0.1:1',
        fns: [
          ['f', 2, 30],
          ['g', 1, 0],
          ['gone', 0, 5],
        ],
      }),
      host('b', {
        invoke: '0.0.0.0:2',
        scheme: 'https',
        peer: '10.1.1.1:999',
        fns: [
          ['f', 1, 10],
          ['g', 3, 0],
        ],
      }),
      host('c', { state: 'down', invoke: '127.0.0.1:3', fns: [['f', 4, 40]] }),
      host('d', { fns: [['f', 4, 40]] }),
    ]);
    assert.deepEqual(routes.get('f'), [
      { hostId: 'a', address: '127.0.0.1:1', host: '127.0.0.1', port: 1, scheme: 'http', weight: 30 },
      { hostId: 'b', address: '10.1.1.1:2', host: '10.1.1.1', port: 2, scheme: 'https', weight: 10 },
    ]);
    assert.deepEqual(
      routes.get('g')?.map((r) => r.weight),
      [1, 3],
    );
    assert.equal(routes.has('gone'), false);
    assert.deepEqual(splitAddress('[::1]:7'), { host: '::1', port: 7 });
  });

  test('smooth weighted round robin: exact proportions in every window, the others follow by weight', () => {
    const replicas = [
      { hostId: 'a', address: 'x:1', host: 'x', port: 1, scheme: 'http' as const, weight: 5 },
      { hostId: 'b', address: 'x:2', host: 'x', port: 2, scheme: 'http' as const, weight: 1 },
      { hostId: 'c', address: 'x:3', host: 'x', port: 3, scheme: 'http' as const, weight: 1 },
    ];
    const p = new WeightedPicker();
    for (let w = 0; w < 10; w++) {
      const counts = new Map<string, number>();
      for (let k = 0; k < 7; k++) {
        const order = p.order(replicas);
        assert.equal(order.length, 3);
        counts.set(order[0]?.hostId ?? '', (counts.get(order[0]?.hostId ?? '') ?? 0) + 1);
        if (order[0]?.hostId !== 'a') assert.equal(order[1]?.hostId, 'a', 'the heaviest other host is tried next');
      }
      assert.deepEqual(Object.fromEntries(counts), { a: 5, b: 1, c: 1 });
    }
  });
});
