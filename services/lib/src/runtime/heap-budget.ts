// V8 keeps the pages an ordinary collection frees in a pool of its own, resident, for the heap to
// grow into again; only a memory-reducing collection gives them back, and V8 runs one by itself
// only once the process has gone quiet. Under steady load a service's resident memory therefore
// stays at the highest its heap ever reached: the conversation service, after the benchmark's
// reports, held 252 MB with 97 MB of heap, and one memory-reducing collection (137 ms) took it to
// 159 MB where an ordinary one (63 ms) left it at 252. Node exposes no memory-pressure signal, so
// the process watches its own resident memory against a budget and asks for that collection
// itself when it is over.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logging/logger';
import { releaseHeapPages, type HeapPagesRelease } from './startup-heap';

export interface HeapBudgetOptions {
  /** Resident bytes above which the heap is collected to give its pooled pages back; 0 turns it off. */
  budgetBytes: number;
  logger: Logger;
  registry: Registry;
  /** How often the resident set is read (a read of /proc, microseconds). */
  checkEveryMs?: number;
  /** The least time between two collections (each pauses the process for 50–200 ms). */
  minGapMs?: number;
  gc?: NodeJS.GCFunction;
  rss?: () => number;
  now?: () => number;
}

export interface HeapBudget {
  /** One check now: collects when over budget and allowed to; answers what the collection did. */
  tick(): HeapPagesRelease | undefined;
  stop(): void;
}

const DEFAULT_CHECK_MS = 1000;
const DEFAULT_MIN_GAP_MS = 10_000;
const MAX_GAP_MS = 5 * 60_000;

/**
 * Over budget, one memory-reducing collection, then none for `minGapMs`. A collection that gives
 * back less than a sixteenth of the budget means the memory is live, not pooled: the gap doubles
 * (up to five minutes), so a process that truly needs more is not paused over and over for nothing.
 */
export function startHeapBudget(options: HeapBudgetOptions): HeapBudget {
  const gc = options.gc ?? globalThis.gc;
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const now = options.now ?? Date.now;
  const minGap = options.minGapMs ?? DEFAULT_MIN_GAP_MS;
  const collections = new Counter({
    name: 'inbox_heap_budget_collections_total',
    help: 'Memory-reducing collections run because resident memory passed the budget (MEMORY_BUDGET_MB)',
    registers: [options.registry],
  });
  const released = new Counter({
    name: 'inbox_heap_budget_released_bytes_total',
    help: 'Resident bytes those collections gave back to the system',
    registers: [options.registry],
  });
  const enabled = options.budgetBytes > 0 && typeof gc === 'function';
  let gap = minGap;
  let notBefore = 0;
  const tick = (): HeapPagesRelease | undefined => {
    if (!enabled || now() < notBefore) return undefined;
    const before = rss();
    if (before <= options.budgetBytes) return undefined;
    const result = { ...releaseHeapPages(gc)!, rssBeforeBytes: before, rssAfterBytes: rss() };
    const freed = Math.max(0, result.rssBeforeBytes - result.rssAfterBytes);
    gap = freed < options.budgetBytes / 16 ? Math.min(gap * 2, MAX_GAP_MS) : minGap;
    notBefore = now() + gap;
    collections.inc();
    released.inc(freed);
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    options.logger.debug({ rssMb: [mb(result.rssBeforeBytes), mb(result.rssAfterBytes)], heapMb: [mb(result.heapBeforeBytes), mb(result.heapAfterBytes)], ms: Math.round(result.ms), nextInMs: gap }, 'over the memory budget: heap collected');
    return result;
  };
  const timer = enabled ? setInterval(tick, options.checkEveryMs ?? DEFAULT_CHECK_MS) : undefined;
  timer?.unref();
  return { tick, stop: () => clearInterval(timer) };
}
