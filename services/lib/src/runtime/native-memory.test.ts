import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { createLogger } from '../logging/logger';
import { glibcHeap, startNativeMemoryTrim, type NativeHeap } from './native-memory';

const MB = 1024 * 1024;
const logger = createLogger({ service: 'test', level: 'silent' });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const anonymousMb = () => Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

async function released(registry: Registry): Promise<number> {
  return (await registry.getSingleMetric('inbox_native_memory_released_bytes_total')!.get()).values[0].value;
}

describe('native memory trim', () => {
  it('returns to the system the freed native memory glibc keeps between live blocks', async () => {
    const heap = glibcHeap();
    expect(heap).toBeDefined();
    // 200 MB of native buffers below glibc's mmap threshold (so inside its arenas); one in twenty
    // stays alive, so the freed ones are holes the heap's top cannot give back.
    let buffers = Array.from({ length: 2000 }, () => Buffer.allocUnsafeSlow(100_000).fill(1));
    buffers = buffers.filter((_, i) => i % 20 === 0);
    // Backing stores are freed after the collection, off the main thread: wait until they all are.
    let free = -1;
    for (let i = 0; i < 30 && heap!.freeBytes() !== free; i += 1) {
      free = heap!.freeBytes();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(heap!.freeBytes()).toBeGreaterThan(150 * MB);
    const before = anonymousMb();
    const registry = new Registry();
    const trim = startNativeMemoryTrim({ intervalMs: 0, logger, registry, heap });
    const fell = trim.tick();
    expect(before - anonymousMb()).toBeGreaterThan(100);
    expect(fell).toBeGreaterThan(100 * MB);
    expect(await released(registry)).toBeGreaterThanOrEqual(fell);
    // The pages are gone from the process; glibc still counts the blocks free, ready for reuse.
    expect(trim.tick()).toBeLessThan(10 * MB);
    expect(buffers.every((b) => b[99_999] === 1)).toBe(true);
  });

  it('leaves the allocator alone while less than the threshold is free, and reports what is free', async () => {
    const calls: string[] = [];
    const heap: NativeHeap = { freeBytes: () => (calls.push('free'), 3 * MB), trim: () => void calls.push('trim') };
    const registry = new Registry();
    const trim = startNativeMemoryTrim({ intervalMs: 0, logger, registry, heap, minFreeBytes: 4 * MB });
    expect(trim.tick()).toBe(0);
    expect(calls).toEqual(['free']);
    expect(await registry.metrics()).toMatch(/^inbox_native_memory_free_bytes 3145728$/m);
    expect(await released(registry)).toBe(0);
  });

  it('trims on its interval and stops with the process', async () => {
    let trims = 0;
    const heap: NativeHeap = { freeBytes: () => 64 * MB, trim: () => void (trims += 1) };
    const trim = startNativeMemoryTrim({ intervalMs: 20, logger, registry: new Registry(), heap });
    for (let waited = 0; trims < 3 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    trim.stop();
    const seen = trims;
    expect(seen).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(trims).toBe(seen);
  });

  it('keeps a failing allocator call from reaching the process', () => {
    const heap: NativeHeap = {
      freeBytes: () => {
        throw new Error('no mallinfo2');
      },
      trim: () => undefined,
    };
    expect(startNativeMemoryTrim({ intervalMs: 0, logger, registry: new Registry(), heap }).tick()).toBe(0);
  });
});
