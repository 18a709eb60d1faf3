// Nearest-rank percentiles (as PostgreSQL's percentile_disc): the value at position
// ceil(share × n), counted from 1, of the values in order. Found by counting, not by sorting: one
// pass finds the range, one counts the values per bucket of it, one collects the few values in the
// buckets that hold the wanted positions, so a year's durations cost three linear passes for all
// the percentiles asked.

const SORT_BELOW = 256;

/** The position (from 0) of `share` among n values. */
const rankOf = (share: number, n: number) => Math.max(Math.ceil(share * n), 1) - 1;

/** The value at each share of `values`, or null for each when there are none. */
export function nearestRanks(values: Int32Array, shares: number[]): Array<number | null> {
  if (values.length === 0) return shares.map(() => null);
  return selected(
    values,
    shares.map((share) => rankOf(share, values.length)),
  );
}

/** The value at `share` of `values`, or null when there are none. */
export function nearestRank(values: Int32Array, share: number): number | null {
  return nearestRanks(values, [share])[0];
}

/** The k-th smallest (from 0) of values. */
export function kth(values: Int32Array, k: number): number {
  return selected(values, [k])[0];
}

/** Counts per bucket, shared: one selection runs at a time and zeroes what it uses. */
const scratch = new Int32Array(1 << 16);

// Each pass is its own small function: V8 optimises those whole, where one long function with
// several hot loops ran about five times slower.

function rangeOf(values: Int32Array): [number, number] {
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function countBuckets(values: Int32Array, min: number, shift: number, counts: Int32Array): void {
  for (let i = 0; i < values.length; i++) counts[(values[i] - min) >>> shift]++;
}

/** The values of one bucket. */
function bucketValues(values: Int32Array, min: number, shift: number, bucket: number, size: number): Int32Array {
  const out = new Int32Array(size);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if ((v - min) >>> shift === bucket) out[at++] = v;
  }
  return out;
}

/** The k-th smallest (from 0) of values for each k of ranks. */
function selected(values: Int32Array, ranks: number[]): number[] {
  const n = values.length;
  if (n < SORT_BELOW) {
    const sorted = Int32Array.from(values).sort();
    return ranks.map((k) => sorted[k]);
  }
  const [min, max] = rangeOf(values);
  if (min === max) return ranks.map(() => min);
  // About four values a bucket, at most 65,536 buckets; a bucket spans 2^shift values.
  const bits = Math.min(16, Math.max(4, Math.ceil(Math.log2(n)) - 2));
  let shift = 0;
  // (v - min) may reach 2^32 - 1; >>> reads it as unsigned.
  while ((max - min) >>> shift >= 1 << bits) shift++;
  const counts = scratch;
  counts.fill(0, 0, ((max - min) >>> shift) + 1);
  countBuckets(values, min, shift, counts);
  // Each rank's bucket, its size, and the rank among that bucket's values.
  const wanted = ranks.map((k) => {
    let b = 0;
    let before = 0;
    while (before + counts[b] <= k) before += counts[b++];
    return { bucket: b, size: counts[b], k: k - before };
  });
  if (shift === 0) return wanted.map((w) => min + w.bucket);
  return wanted.map((w) => selected(bucketValues(values, min, shift, w.bucket, w.size), [w.k])[0]);
}
