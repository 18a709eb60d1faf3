// V8 grows its heap while a process loads and compiles its modules, and keeps those pages once the
// objects on them are mostly garbage: an ordinary collection frees the objects but not a page that
// still holds one live object, and an idle service never asks for the compacting, memory-reducing
// collection that would. Measured on the six services at idle: 796 MB resident, 580 MB after one
// such collection each (the gateway 161 → 110 MB). It needs node's --expose-gc, which
// scripts/services.sh and the chart pass; without it nothing happens.

export interface HeapPagesRelease {
  heapBeforeBytes: number;
  heapAfterBytes: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  ms: number;
}

/**
 * One compacting, memory-reducing collection of the whole heap, synchronous (80–200 ms on this
 * machine): once as a service starts, and again past its memory budget (heap-budget.ts). Undefined
 * when the collector is not exposed.
 */
export function releaseHeapPages(gc: NodeJS.GCFunction | undefined = globalThis.gc): HeapPagesRelease | undefined {
  if (typeof gc !== 'function') return undefined;
  const before = process.memoryUsage();
  const start = performance.now();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  return { heapBeforeBytes: before.heapTotal, heapAfterBytes: after.heapTotal, rssBeforeBytes: before.rss, rssAfterBytes: after.rss, ms };
}
