// What the use cases need of the outside world; the adapters implement these.
import type { SearchDocument } from '@inbox/lib/gen/inbox/conversation/v1/conversation';

export interface Deletion {
  conversationId: string;
  /** The version the conversation had when deleted; 0 deletes whatever is there. */
  version: number;
}

/** Per conversation id: undefined when written (or superseded by a newer version), else why it cannot be. */
export type WriteOutcome = Map<string, string | undefined>;

/** The physical indices behind the read and write aliases, for rebuilding with no downtime. */
export interface IndexAliases {
  /** The alias searches read through. */
  readonly readAlias: string;
  newIndexName(): string;
  createIndex(index: string): Promise<void>;
  /** From now on writes go to this index too. */
  addToWriteAlias(index: string): Promise<void>;
  /** Reads and writes go to this index alone; answers the indices it replaced. */
  swapTo(index: string): Promise<string[]>;
  deleteIndex(index: string): Promise<void>;
}

/** The conversations index in OpenSearch, written in bulk and read by version. */
export interface SearchIndex {
  readonly layout: IndexAliases;
  /** Writes to every index behind the write alias; throws TransientIndexError when it should be retried. */
  write(documents: SearchDocument[], deletions: Deletion[], indices?: string[]): Promise<WriteOutcome>;
  /** Indices behind the write alias, looked up at most once a second. */
  writeTargets(): Promise<string[]>;
  search(body: Record<string, unknown>): Promise<{ took: number; total: number; hits: { _id: string; _score: number | null; sort: unknown[]; highlight?: Record<string, string[]> }[] }>;
  /** id → version of what the read alias holds for these conversations. */
  versionsOf(ids: string[]): Promise<Map<string, number>>;
  /** Every document an index holds (of one account, when given), in pages, in no particular order. */
  scan(index: string, options: { accountId: string; pageSize: number }): AsyncIterable<{ id: string; accountId: string }[]>;
  refresh(index?: string): Promise<void>;
  count(index: string): Promise<number>;
}
