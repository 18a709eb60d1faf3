// Operator commands on the conversation index, with the search service's own configuration:
//   node services/search/dist/cli/index-commands.js reindex [--keep-previous]
//   node services/search/dist/cli/index-commands.js reconcile [--repair]
// Each prints one JSON report on stdout.
import { createLogger, createOpenSearch, errorMessage, createConversationClients } from '@inbox/lib';
import { ConversationDocuments } from '../adapters/conversation-documents.client';
import { ConversationIndex } from '../adapters/conversation-index';
import { IndexLayout } from '../adapters/index-layout';
import { loadSearchConfig } from '../config';
import { reconcile, reindex } from '../use-cases/maintain-index';

const USAGE = 'usage: index-commands (reindex [--keep-previous] | reconcile [--repair])';

async function main(argv: string[]): Promise<void> {
  const [command, ...flags] = argv;
  const unknown = flags.filter((f) => !['--keep-previous', '--repair'].includes(f));
  if (!command || !['reindex', 'reconcile'].includes(command) || unknown.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadSearchConfig();
  // Logs go to stderr; stdout carries only the report.
  const logger = createLogger({ service: 'search-index-commands', level: config.LOG_LEVEL, destination: process.stderr });
  const opensearch = createOpenSearch(config.OPENSEARCH_URL, { caFile: config.OPENSEARCH_CA_FILE });
  const conversation = createConversationClients(config.CONVERSATION_GRPC_ADDR, { deadlineMs: 60_000 });
  const layout = new IndexLayout(opensearch, {
    prefix: config.SEARCH_INDEX_PREFIX,
    shards: config.SEARCH_INDEX_SHARDS,
    replicas: config.SEARCH_INDEX_REPLICAS,
    refreshInterval: config.SEARCH_REFRESH_INTERVAL,
  });
  try {
    await layout.ensure();
    const index = new ConversationIndex(opensearch, layout);
    const documents = new ConversationDocuments(conversation.conversations);
    const report =
      command === 'reindex'
        ? await reindex(index, documents, logger, { deletePrevious: !flags.includes('--keep-previous') })
        : await reconcile(index, documents, { repair: flags.includes('--repair') });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    conversation.close();
    await opensearch.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`index command failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
