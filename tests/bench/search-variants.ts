// What each part of the API's search costs OpenSearch: the query the last search scenario sent
// (bench-results/search.json), straight to OpenSearch at 10 clients, with one part taken out at a
// time, variants alternating so a warming JVM does not favour the last. CPU per query from /proc.
//   npx tsx tests/bench/search-variants.ts      (after BENCH_ONLY=search npm run bench)
//   SEARCH_VARIANTS=asSent,noHighlight SEARCH_VARIANT_ROUNDS=4 SEARCH_VARIANT_SECONDS=6
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { RESULTS_DIR, atConcurrency, cpuSince, cpuSnapshot, seconds } from './harness';

type Body = Record<string, any>;

const shouldOf = (body: Body): Body[] => body.query.bool.must[0].bool.should;

const VARIANTS: Record<string, (body: Body) => void> = {
  asSent: () => {},
  noHighlight: (body) => delete body.highlight,
  highlightMessagesOnly: (body) => delete body.highlight.fields.comments,
  plainHighlighter: (body) => (body.highlight.type = 'plain'),
  noPrefix: (body) => shouldOf(body).splice(shouldOf(body).findIndex((c) => c.multi_match?.type === 'bool_prefix'), 1),
  prefixNotInText: (body) => {
    const prefix = shouldOf(body).find((c) => c.multi_match?.type === 'bool_prefix')!;
    prefix.multi_match.fields = prefix.multi_match.fields.filter((f: string) => f !== 'messages' && f !== 'comments');
  },
  totalTo1000: (body) => (body.track_total_hits = 1000),
  noStoredFields: (body) => {
    body.stored_fields = '_none_';
    body.docvalue_fields = [...body.docvalue_fields, 'conversation_id'];
  },
  noSummary: (body) => delete body.docvalue_fields,
};

async function main(): Promise<void> {
  const asSent = JSON.parse(readFileSync(path.join(RESULTS_DIR, 'search.json'), 'utf8')).baseline.query.body as Body;
  const names = process.env.SEARCH_VARIANTS?.split(',') ?? Object.keys(VARIANTS);
  const unknown = names.filter((n) => !VARIANTS[n]);
  if (unknown.length) throw new Error(`unknown variants: ${unknown.join(', ')} (known: ${Object.keys(VARIANTS).join(', ')})`);
  const client = new Client({ node: process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200' });
  try {
    for (let round = 1; round <= Number(process.env.SEARCH_VARIANT_ROUNDS ?? '3'); round++) {
      for (const name of names) {
        const body = structuredClone(asSent);
        VARIANTS[name](body);
        const cpu = cpuSnapshot();
        const load = await atConcurrency(10, seconds(Number(process.env.SEARCH_VARIANT_SECONDS ?? '6')), async () => void (await client.search({ index: 'inbox-conversations-read', body: body as never })));
        const perQuery = cpuSince(cpu, load.ok).perUnitMs?.opensearch;
        console.log(`round ${round}  ${name.padEnd(22)} ${String(load.throughputPerSecond).padStart(5)}/s  p99 ${load.latencyMs.p99} ms  OpenSearch ${perQuery} ms CPU/query`);
      }
    }
  } finally {
    await client.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
