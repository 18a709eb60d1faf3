// Keeps the index in step with the conversation service. Events name a conversation; the
// indexer gathers them into batches, fetches each conversation's current document once per
// batch, and writes them in one bulk request. While OpenSearch or the conversation service is
// unreachable the batch waits and retries (its events stay unacknowledged in JetStream, kept
// alive by the consumer's heartbeat), so nothing is dropped and the index catches up on return.
import { PermanentError, errorMessage, type Logger } from '@inbox/lib';
import type { ConversationRef, SearchDocument } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { Deletion, SearchIndex } from './ports';

export interface DocumentSource {
  fetch(refs: ConversationRef[]): Promise<{ documents: SearchDocument[]; missing: ConversationRef[] }>;
}

export interface IndexRequest {
  accountId: string;
  conversationId: string;
  version: number;
}

interface Pending {
  ref: ConversationRef;
  version: number;
  waiters: { resolve: () => void; reject: (error: Error) => void }[];
}

export interface IndexerOptions {
  batchSize: number;
  lingerMs: number;
  maxRetryDelayMs?: number;
  onIndexed?: (count: number) => void;
}

export class ConversationIndexer {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private aborted = false;
  private retryWake: (() => void) | undefined;

  constructor(
    private readonly source: DocumentSource,
    private readonly index: SearchIndex,
    private readonly logger: Logger,
    private readonly options: IndexerOptions,
  ) {}

  /** Resolves once the conversation's current state (at least `version`) is in the index. */
  submit(request: IndexRequest): Promise<void> {
    if (this.closed) return Promise.reject(new Error('indexer is stopping'));
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(request.conversationId);
      if (entry) {
        entry.version = Math.max(entry.version, request.version);
        entry.waiters.push({ resolve, reject });
      } else {
        this.pending.set(request.conversationId, {
          ref: { accountId: request.accountId, conversationId: request.conversationId },
          version: request.version,
          waiters: [{ resolve, reject }],
        });
      }
      if (this.pending.size >= this.options.batchSize) this.scheduleFlush(0);
      else if (!this.timer) this.scheduleFlush(this.options.lingerMs);
    });
  }

  /** Takes no more work, writes what is pending, and after `graceMs` fails whatever still waits (its events are redelivered later). */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    if (this.pending.size > 0) this.scheduleFlush(0);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => this.flushing),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.aborted = true;
    clearTimeout(this.timer);
    this.retryWake?.();
    this.failAll([...this.pending.values()], new Error('indexer is stopping'));
    this.pending.clear();
  }

  private scheduleFlush(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.pending.values()].slice(0, this.options.batchSize);
      for (const entry of batch) this.pending.delete(entry.ref.conversationId);
      this.flushing = this.flushing.then(() => this.writeBatch(batch));
      if (this.pending.size > 0) this.scheduleFlush(this.pending.size >= this.options.batchSize ? 0 : this.options.lingerMs);
    }, delay);
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    let attempt = 0;
    while (!this.aborted) {
      try {
        const { documents, missing } = await this.source.fetch(batch.map((b) => b.ref));
        const versions = new Map(batch.map((b) => [b.ref.conversationId, b.version]));
        const deletions: Deletion[] = missing.map((m) => ({ conversationId: m.conversationId, version: versions.get(m.conversationId) ?? 0 }));
        const outcome = await this.index.write(documents, deletions);
        for (const entry of batch) {
          const problem = outcome.get(entry.ref.conversationId);
          if (problem) this.failAll([entry], new PermanentError(`cannot index conversation ${entry.ref.conversationId}: ${problem}`));
          else for (const waiter of entry.waiters) waiter.resolve();
        }
        this.options.onIndexed?.(batch.length);
        return;
      } catch (error) {
        attempt += 1;
        const delay = Math.min(this.options.maxRetryDelayMs ?? 5000, 100 * 2 ** Math.min(attempt, 10));
        this.logger.warn({ error: errorMessage(error), attempt, conversations: batch.length, retryInMs: delay }, 'indexing batch failed, retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.retryWake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    this.failAll(batch, new Error('indexer is stopping'));
  }

  private failAll(entries: Pending[], error: Error): void {
    for (const entry of entries) for (const waiter of entry.waiters) waiter.reject(error);
  }
}
