import { describe, expect, it } from 'vitest';
import { roundOrder } from '../src/scenarios/interleaved.js';

describe('roundOrder', () => {
  it('puts every contender in every position equally often over two cycles', () => {
    for (const n of [2, 3, 5]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const counts = items.map(() => items.map(() => 0));
      for (let round = 0; round < 2 * n; round++) {
        const order = roundOrder(items, round);
        expect([...order].sort()).toEqual(items);
        for (const [position, item] of order.entries()) counts[item]![position]! += 1;
      }
      for (const row of counts) expect(row).toEqual(items.map(() => 2));
    }
  });

  it('does not always put the same contender next to the same neighbour first', () => {
    const firstPairs = new Set(
      Array.from({ length: 6 }, (_, round) => roundOrder(['a', 'b', 'c'], round).slice(0, 2).join('')),
    );
    expect(firstPairs.size).toBe(6);
  });
});
