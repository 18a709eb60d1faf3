// glibc keeps the memory native code frees (sockets, zlib streams, buffers, TLS) in its arenas and
// gives it back to the system only from the top of the heap, so holes left between live blocks
// stay resident for good. After a search load and 10,000 sockets the gateway held 149 MB of
// anonymous memory of which 53 MB were such free blocks; malloc_trim(0) returned 47 MB of them.
// V8's own heap is another matter (startup-heap.ts): this is about the rest.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logging/logger';
import { errorMessage } from '../observability/health';

/** The C library's allocator, as far as it can be asked (glibc on Linux). */
export interface NativeHeap {
  /** Bytes the allocator holds free in its arenas (mallinfo2's fordblks). */
  freeBytes(): number;
  /** Returns every whole free page of every arena to the system (malloc_trim(0)). */
  trim(): void;
}

const MALLINFO2_FIELDS = ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'] as const;

/** glibc's allocator through a foreign-function call, or undefined where there is none (musl, macOS). */
export function glibcHeap(): NativeHeap | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // Loaded only here: a process that never trims never maps the FFI library.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const mallinfo2 = libc.func('mallinfo2', koffi.struct('mallinfo2', Object.fromEntries(MALLINFO2_FIELDS.map((f) => [f, 'size_t']))), []) as () => Record<(typeof MALLINFO2_FIELDS)[number], number | bigint>;
    const mallocTrim = libc.func('int malloc_trim(size_t pad)') as (pad: number) => number;
    return { freeBytes: () => Number(mallinfo2().fordblks), trim: () => void mallocTrim(0) };
  } catch {
    return undefined;
  }
}

export interface NativeMemoryTrimOptions {
  intervalMs: number;
  /** Trims only when the arenas hold at least this much free: a trim walks every arena. */
  minFreeBytes?: number;
  logger: Logger;
  registry: Registry;
  heap?: NativeHeap;
}

export interface NativeMemoryTrim {
  /** One check now: trims if enough is free, and answers the bytes the process's resident set fell by. */
  tick(): number;
  stop(): void;
}

const DEFAULT_MIN_FREE_BYTES = 4 * 1024 * 1024;

/**
 * Every `intervalMs`, when glibc's arenas hold `minFreeBytes` or more free, returns those pages to
 * the system. Off (and without a timer) when the interval is 0 or the C library is not glibc.
 */
export function startNativeMemoryTrim(options: NativeMemoryTrimOptions): NativeMemoryTrim {
  const heap = options.heap ?? (options.intervalMs > 0 ? glibcHeap() : undefined);
  const minFree = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  const released = new Counter({
    name: 'inbox_native_memory_released_bytes_total',
    help: "Resident bytes returned to the system by trimming the C allocator's free pages",
    registers: [options.registry],
  });
  if (heap) {
    new Gauge({
      name: 'inbox_native_memory_free_bytes',
      help: "Bytes the C allocator holds free in its arenas (resident until trimmed)",
      registers: [options.registry],
      collect() {
        this.set(heap.freeBytes());
      },
    });
  }
  const tick = (): number => {
    if (!heap) return 0;
    try {
      if (heap.freeBytes() < minFree) return 0;
      const before = process.memoryUsage.rss();
      heap.trim();
      const fell = Math.max(0, before - process.memoryUsage.rss());
      released.inc(fell);
      return fell;
    } catch (error) {
      options.logger.warn({ error: errorMessage(error) }, 'native memory trim failed');
      return 0;
    }
  };
  const timer = heap && options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : undefined;
  timer?.unref();
  return { tick, stop: () => clearInterval(timer) };
}
