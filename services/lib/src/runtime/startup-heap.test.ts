import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { releaseHeapPages } from './startup-heap';

const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as NodeJS.GCFunction;

describe('the heap grown while starting', () => {
  it('is given back by one compacting collection where an ordinary one keeps it', () => {
    // 150 MB of small objects, one in fifty kept: as after loading modules, every page of the old
    // generation still holds something alive.
    let objects: { id: number; text: string }[] = [];
    for (let i = 0; i < 600_000; i += 1) objects.push({ id: i, text: `object ${i} `.repeat(20) });
    gc({ type: 'minor', execution: 'sync' });
    objects = objects.filter((o) => o.id % 50 === 0);
    gc({ type: 'major', execution: 'sync' });
    const afterOrdinary = process.memoryUsage().heapTotal;

    const released = releaseHeapPages(gc)!;

    expect(released.heapBeforeBytes).toBeGreaterThanOrEqual(afterOrdinary - 8 * MB);
    expect(released.heapBeforeBytes - released.heapAfterBytes).toBeGreaterThan(60 * MB);
    expect(process.memoryUsage().heapTotal).toBeLessThan(afterOrdinary - 60 * MB);
    expect(released.rssBeforeBytes - released.rssAfterBytes).toBeGreaterThan(40 * MB);
    expect(released.ms).toBeGreaterThan(0);
    expect(objects.every((o) => o.text.startsWith(`object ${o.id} `))).toBe(true);
  });

  it('does nothing where the collector is not exposed', () => {
    const exposed = globalThis.gc;
    globalThis.gc = undefined;
    try {
      expect(releaseHeapPages()).toBeUndefined();
    } finally {
      globalThis.gc = exposed;
    }
  });
});
