// Nearest-rank percentiles (as PostgreSQL's percentile_disc): the value at position
// ceil(share × n), counted from 1, of the values in order. Found by counting, not by sorting: one
// pass finds the range, one counts the values per bucket of it, one collects the few values in the
// buckets that hold the wanted positions. A report asks them of each group and of all groups
// together; the latter counts over the groups' arrays as they are, without joining them.

const SORT_BELOW = 256;

/** The position (from 0) of `share` among n values. */
const rankOf = (share: number, n: number) => Math.max(Math.ceil(share * n), 1) - 1;

/** The value at each share of `values`, or null for each when there are none. */
export function nearestRanks(values: Int32Array, shares: number[]): Array<number | null> {
  if (values.length === 0) return shares.map(() => null);
  return selected(
    [[values]],
    values.length,
    shares.map((share) => rankOf(share, values.length)),
  );
}

/** The value at `share` of `values`, or null when there are none. */
export function nearestRank(values: Int32Array, share: number): number | null {
  return nearestRanks(values, [share])[0];
}

/** Each group's values (in parts) at each share, and those of all groups together. */
export function groupedNearestRanks(groups: Int32Array[][], shares: number[]): { groups: Array<Array<number | null>>; total: Array<number | null> } {
  const sizes = groups.map((parts) => parts.reduce((sum, p) => sum + p.length, 0));
  const n = sizes.reduce((sum, size) => sum + size, 0);
  return {
    groups: groups.map((parts, i) => (sizes[i] === 0 ? shares.map(() => null) : selected([parts], sizes[i], shares.map((share) => rankOf(share, sizes[i]))))),
    // The groups as they are: flattened, a year's parts were an array of thousands per summary.
    total: n === 0 ? shares.map(() => null) : selected(groups, n, shares.map((share) => rankOf(share, n))),
  };
}

/** The k-th smallest (from 0) of values. */
export function kth(values: Int32Array, k: number): number {
  return selected([[values]], values.length, [k])[0];
}

/** Counts per bucket, shared: one selection counts at a time and zeroes what it uses. */
const scratch = new Int32Array(1 << 16);
/** Few values copied to be sorted, shared: each sort reads what it needs before the next copies. */
const sortScratch = new Int32Array(SORT_BELOW);
/** Its first n values for each n, made once: a view per selection was 5 MB of garbage in 20 s of reports. */
const sortViews = Array.from({ length: SORT_BELOW }, (_, n) => sortScratch.subarray(0, n));

// Each pass is its own small function: V8 optimises those whole, where one long function with
// several hot loops ran about five times slower.

// Values come as groups of parts (each group's parts, or one group of one part).

function rangeOf(groups: Int32Array[][]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const parts of groups) {
    for (const values of parts) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  return [min, max];
}

function countBuckets(groups: Int32Array[][], min: number, shift: number, counts: Int32Array): void {
  for (const parts of groups) for (const values of parts) for (let i = 0; i < values.length; i++) counts[(values[i] - min) >>> shift]++;
}

/** The values of two buckets (the same one twice when they are), in one pass. */
function bucketValues(groups: Int32Array[][], min: number, shift: number, first: { bucket: number; size: number }, second: { bucket: number; size: number }): [Int32Array, Int32Array] {
  const a = new Int32Array(first.size);
  const b = second.bucket === first.bucket ? a : new Int32Array(second.size);
  let atA = 0;
  let atB = 0;
  for (const parts of groups) {
    for (const values of parts) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const bucket = (v - min) >>> shift;
        if (bucket === first.bucket) a[atA++] = v;
        else if (bucket === second.bucket) b[atB++] = v;
      }
    }
  }
  return [a, b];
}

/** The k-th smallest (from 0) of the n values in parts, for each k of ranks. */
function selected(groups: Int32Array[][], n: number, ranks: number[]): number[] {
  if (n < SORT_BELOW) {
    // A typed array of its own for each (two per group and kind, hundreds per summary) was half of
    // what the reports benchmark's summaries allocated that outlived a young collection.
    const sorted = sortViews[n];
    let at = 0;
    for (const parts of groups) {
      for (const values of parts) {
        sorted.set(values, at);
        at += values.length;
      }
    }
    sorted.sort();
    return ranks.map((k) => sorted[k]);
  }
  const [min, max] = rangeOf(groups);
  if (min === max) return ranks.map(() => min);
  // About four values a bucket, at most 65,536 buckets; a bucket spans 2^shift values.
  const bits = Math.min(16, Math.max(4, Math.ceil(Math.log2(n)) - 2));
  let shift = 0;
  // (v - min) may reach 2^32 - 1; >>> reads it as unsigned.
  while ((max - min) >>> shift >= 1 << bits) shift++;
  const counts = scratch;
  counts.fill(0, 0, ((max - min) >>> shift) + 1);
  countBuckets(groups, min, shift, counts);
  // Each rank's bucket, its size, and the rank among that bucket's values.
  const wanted = ranks.map((k) => {
    let b = 0;
    let before = 0;
    while (before + counts[b] <= k) before += counts[b++];
    return { bucket: b, size: counts[b], k: k - before };
  });
  if (shift === 0) return wanted.map((w) => min + w.bucket);
  const found: number[] = [];
  for (let i = 0; i < wanted.length; i += 2) {
    const pair = [wanted[i], wanted[i + 1] ?? wanted[i]];
    const [a, b] = bucketValues(groups, min, shift, pair[0], pair[1]);
    found.push(selected([[a]], a.length, [pair[0].k])[0]);
    if (i + 1 < wanted.length) found.push(selected([[b]], b.length, [pair[1].k])[0]);
  }
  return found;
}
