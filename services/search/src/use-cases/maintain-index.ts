// Operator commands on the index: rebuild it from the conversation service with no downtime,
// and compare it with the conversation service (reporting, and optionally repairing, missing,
// stale and orphaned documents).
import type { Logger } from '@inbox/lib';
import type { ConversationRef, SearchDocument } from '@inbox/lib/gen/inbox/conversation/v1/conversation';
import type { SearchIndex } from './ports';

export interface DocumentExport {
  /** In conversation id order; `accountId` empty for every account. */
  page(input: { afterId: string; limit: number; versionsOnly: boolean; accountId: string }): Promise<{ documents: SearchDocument[]; nextAfterId: string }>;
  fetch(refs: ConversationRef[]): Promise<{ documents: SearchDocument[]; missing: ConversationRef[] }>;
  /** Which of these conversations no longer exist, asked without reading their texts. */
  missing(refs: ConversationRef[]): Promise<ConversationRef[]>;
}

export interface ReindexResult {
  index: string;
  documents: number;
  previous: string[];
  deletedPrevious: boolean;
}

const PAGE = 500;
// The conversation service answers at most 1,000 references per call.
const SCAN_PAGE = 1000;

export async function reindex(
  index: SearchIndex,
  source: DocumentExport,
  logger: Logger,
  options: { deletePrevious: boolean; settleMs?: number },
): Promise<ReindexResult> {
  const { layout } = index;
  const target = layout.newIndexName();
  await layout.createIndex(target);
  // From here every indexer writes live changes to the new index too; waiting out their
  // write-target cache means nothing that changes during the backfill can be missed.
  await layout.addToWriteAlias(target);
  await sleep(options.settleMs ?? 2500);
  let afterId = '';
  let documents = 0;
  do {
    const page = await source.page({ afterId, limit: PAGE, versionsOnly: false, accountId: '' });
    const outcome = await index.write(page.documents, [], [target]);
    const failed = [...outcome.entries()].filter(([, problem]) => problem);
    if (failed.length > 0) throw new Error(`backfill could not index ${failed.length} documents, first: ${failed[0][0]} ${failed[0][1]}`);
    documents += page.documents.length;
    afterId = page.nextAfterId;
    if (documents % 10_000 < PAGE) logger.info({ documents }, 'backfill progress');
  } while (afterId);
  await index.refresh(target);
  const previous = await layout.swapTo(target);
  if (options.deletePrevious) for (const old of previous) await layout.deleteIndex(old);
  logger.info({ index: target, documents, previous }, 'reindex complete, aliases swapped');
  return { index: target, documents, previous, deletedPrevious: options.deletePrevious };
}

export interface ReconcileReport {
  checked: number;
  indexed: number;
  missing: number;
  stale: number;
  orphaned: number;
  /** The first few ids of each kind, for a look. */
  examples: { missing: string[]; stale: string[]; orphaned: string[] };
  repaired: boolean;
}

/** Compares the index with the conversation service: every account's conversations, or one account's (`accountId`). */
export async function reconcile(index: SearchIndex, source: DocumentExport, options: { repair: boolean; accountId?: string }): Promise<ReconcileReport> {
  const accountId = options.accountId ?? '';
  const report: ReconcileReport = { checked: 0, indexed: 0, missing: 0, stale: 0, orphaned: 0, examples: { missing: [], stale: [], orphaned: [] }, repaired: options.repair };
  const note = (kind: 'missing' | 'stale' | 'orphaned', ids: string[]) => {
    report[kind] += ids.length;
    report.examples[kind].push(...ids.slice(0, Math.max(0, 20 - report.examples[kind].length)));
  };
  await index.refresh();

  let afterId = '';
  do {
    const page = await source.page({ afterId, limit: PAGE, versionsOnly: true, accountId });
    const held = await index.versionsOf(page.documents.map((d) => d.conversationId));
    const missing = page.documents.filter((d) => !held.has(d.conversationId));
    const stale = page.documents.filter((d) => held.has(d.conversationId) && held.get(d.conversationId)! < Number(d.version));
    note('missing', missing.map((d) => d.conversationId));
    note('stale', stale.map((d) => d.conversationId));
    report.checked += page.documents.length;
    const toRepair = [...missing, ...stale].map((d) => ({ accountId: d.accountId, conversationId: d.conversationId }));
    if (options.repair && toRepair.length > 0) {
      const fetched = await source.fetch(toRepair);
      await index.write(fetched.documents, []);
    }
    afterId = page.nextAfterId;
  } while (afterId);

  // Documents whose conversation no longer exists (deleted forever while the indexer was behind).
  for await (const page of index.scan(index.layout.readAlias, { accountId, pageSize: SCAN_PAGE })) {
    report.indexed += page.length;
    const missing = await source.missing(page.map((p) => ({ accountId: p.accountId, conversationId: p.id })));
    note('orphaned', missing.map((m) => m.conversationId));
    if (options.repair && missing.length > 0) await index.write([], missing.map((m) => ({ conversationId: m.conversationId, version: 0 })));
  }
  if (options.repair) await index.refresh();
  return report;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
