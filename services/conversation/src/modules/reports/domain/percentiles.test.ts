import { groupedNearestRanks, kth, nearestRank, nearestRanks } from './percentiles';

/** A deterministic stream of integers (a linear congruential generator). */
function numbers(seed: number, n: number, range: number): Int32Array {
  const out = new Int32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    out[i] = x % range;
  }
  return out;
}

const bySorting = (values: Int32Array, share: number) => {
  const sorted = Int32Array.from(values).sort();
  return sorted[Math.max(Math.ceil(share * sorted.length), 1) - 1];
};

describe('nearest-rank percentiles', () => {
  it('has none of nothing, and the one value of one', () => {
    expect(nearestRank(new Int32Array(), 0.5)).toBeNull();
    expect(nearestRank(Int32Array.of(7), 0.5)).toBe(7);
    expect(nearestRank(Int32Array.of(7), 0.9)).toBe(7);
  });

  it('takes the value at position ceil(share × n), as percentile_disc does', () => {
    expect(nearestRank(Int32Array.of(40, 10, 30, 20), 0.5)).toBe(20);
    expect(nearestRank(Int32Array.of(40, 10, 30, 20), 0.9)).toBe(40);
    expect(nearestRank(Int32Array.of(5, 1, 4, 2, 3), 0.5)).toBe(3);
    expect(nearestRank(Int32Array.from({ length: 10 }, (_, i) => 10 - i), 0.9)).toBe(9);
  });

  it.each([
    ['distinct', 1, 10_001, 1_000_000],
    ['a million', 5, 1_000_000, 300_000],
    ['wide', 6, 3_000, 2_147_483_647],
    ['many repeats', 2, 5_000, 7],
    ['all equal', 3, 999, 1],
    ['tiny', 4, 2, 100],
  ])('equals sorting for %s values', (_name, seed, n, range) => {
    const values = numbers(seed, n, range);
    for (const share of [0.5, 0.9, 0.01, 0.99, 1]) expect(nearestRank(Int32Array.from(values), share)).toBe(bySorting(values, share));
  });

  it('spans the whole int4 range, negatives included', () => {
    const values = Int32Array.of(2_147_483_647, -2_147_483_648, 0, -1, 1, ...numbers(7, 600, 2_000_000_000).map((v, i) => (i % 2 ? v : -v)));
    for (const share of [0.01, 0.5, 0.9, 1]) expect(nearestRank(values, share)).toBe(bySorting(values, share));
    expect(kth(values, 0)).toBe(-2_147_483_648);
    expect(kth(values, values.length - 1)).toBe(2_147_483_647);
  });

  it('answers several shares from one pass, in the order asked', () => {
    const values = numbers(8, 5_000, 86_400);
    expect(nearestRanks(values, [0.9, 0.5])).toEqual([bySorting(values, 0.9), bySorting(values, 0.5)]);
    expect(nearestRanks(new Int32Array(), [0.5, 0.9])).toEqual([null, null]);
  });

  it('answers each group and all of them together, as sorting each and their union would', () => {
    const groups = [numbers(9, 3_000, 86_400), new Int32Array(), numbers(10, 40, 500), numbers(11, 120_000, 300_000), Int32Array.of(5, 5, 5)];
    const union = Int32Array.from(groups.flatMap((g) => [...g]));
    // In parts, as a group's kept rows come: the first split in three, the fourth in two.
    const parts = [[groups[0].subarray(0, 1_000), groups[0].subarray(1_000, 1_001), groups[0].subarray(1_001)], [], [groups[2]], [groups[3].subarray(0, 7), groups[3].subarray(7)], [groups[4]]];
    const got = groupedNearestRanks(parts, [0.5, 0.9]);
    expect(got.groups).toEqual(groups.map((g) => (g.length ? [bySorting(g, 0.5), bySorting(g, 0.9)] : [null, null])));
    expect(got.total).toEqual([bySorting(union, 0.5), bySorting(union, 0.9)]);
    expect(groupedNearestRanks([[new Int32Array()], []], [0.5])).toEqual({ groups: [[null], [null]], total: [null] });
    expect(groupedNearestRanks([[Int32Array.of(3)], [Int32Array.of(1), Int32Array.of(2)]], [0.5, 0.9, 0.1])).toEqual({ groups: [[3, 3, 3], [1, 2, 1]], total: [2, 3, 1] });
  });

  it('equals sorting on sorted and reversed input, for every rank', () => {
    const ascending = Int32Array.from({ length: 1_025 }, (_, i) => i * 3);
    const descending = Int32Array.from(ascending).reverse();
    for (let k = 0; k < ascending.length; k++) {
      expect(kth(ascending, k)).toBe(k * 3);
      expect(kth(descending, k)).toBe(k * 3);
    }
  });
});
