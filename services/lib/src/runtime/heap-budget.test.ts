import { Registry } from 'prom-client';
import { createLogger } from '../logging/logger';
import { startHeapBudget } from './heap-budget';

const MB = 1024 * 1024;

/** A process whose resident set the test sets, and a collector that gives back what it is told to. */
function fakeProcess(rssMb: number) {
  const state = { rss: rssMb * MB, freesMb: 80, collections: 0, now: 0 };
  const gc = (() => {
    state.collections += 1;
    state.rss -= state.freesMb * MB;
  }) as unknown as NodeJS.GCFunction;
  return { state, gc, rss: () => state.rss, now: () => state.now };
}

function budgetFor(p: ReturnType<typeof fakeProcess>, budgetMb = 180) {
  const registry = new Registry();
  const budget = startHeapBudget({ budgetBytes: budgetMb * MB, logger: createLogger({ service: 'test', level: 'silent' }), registry, gc: p.gc, rss: p.rss, now: p.now, checkEveryMs: 3_600_000, minGapMs: 10_000 });
  return { budget, registry };
}

describe('the memory budget', () => {
  it('collects nothing while resident memory is within it', () => {
    const p = fakeProcess(170);
    const { budget } = budgetFor(p);
    expect(budget.tick()).toBeUndefined();
    budget.stop();
    expect(p.state.collections).toBe(0);
  });

  it('collects once over it, then waits its gap before the next, and counts what came back', async () => {
    const p = fakeProcess(250);
    const { budget, registry } = budgetFor(p);
    const first = budget.tick()!;
    expect(p.state.collections).toBe(1);
    expect([first.rssBeforeBytes, first.rssAfterBytes]).toEqual([250 * MB, 170 * MB]);
    p.state.rss = 240 * MB;
    p.state.now = 9_999;
    expect(budget.tick()).toBeUndefined();
    expect(p.state.collections).toBe(1);
    p.state.now = 10_000;
    budget.tick();
    expect(p.state.collections).toBe(2);
    budget.stop();
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.find((m) => m.name === 'inbox_heap_budget_collections_total')!.values[0].value).toBe(2);
    expect(metrics.find((m) => m.name === 'inbox_heap_budget_released_bytes_total')!.values[0].value).toBe(160 * MB);
  });

  it('waits twice as long after a collection that gave back little, up to five minutes, and the usual gap again once one gives back much', () => {
    const p = fakeProcess(250);
    p.state.freesMb = 0;
    const { budget } = budgetFor(p);
    const collectedAt: number[] = [];
    const runUntil = (end: number) => {
      for (; p.state.now <= end; p.state.now += 1000) if (budget.tick()) collectedAt.push(p.state.now);
    };
    runUntil(20 * 60_000);
    const gaps = collectedAt.slice(1).map((t, i) => t - collectedAt[i]);
    expect(gaps.slice(0, 5)).toEqual([20_000, 40_000, 80_000, 160_000, 300_000]);
    expect(gaps.at(-1)).toBe(300_000);

    // Pooled pages again: the next collection gives back 80 MB, and the one after comes 10 s later.
    p.state.freesMb = 80;
    const next = collectedAt.at(-1)! + 300_000;
    runUntil(next);
    expect(collectedAt.at(-1)).toBe(next);
    p.state.rss = 250 * MB;
    runUntil(next + 30_000);
    expect(collectedAt.at(-1)! - next).toBe(10_000);
    budget.stop();
  });

  it('is off at a budget of 0 and where the collector is not exposed', () => {
    const p = fakeProcess(500);
    const registry = new Registry();
    const logger = createLogger({ service: 'test', level: 'silent' });
    const zero = startHeapBudget({ budgetBytes: 0, logger, registry, gc: p.gc, rss: p.rss });
    expect(zero.tick()).toBeUndefined();
    const exposed = globalThis.gc;
    globalThis.gc = undefined;
    try {
      const hidden = startHeapBudget({ budgetBytes: 100 * MB, logger, registry: new Registry(), rss: p.rss });
      expect(hidden.tick()).toBeUndefined();
    } finally {
      globalThis.gc = exposed;
    }
    expect(p.state.collections).toBe(0);
  });
});
