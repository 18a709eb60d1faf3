// Operator commands on the conversation index, with the search service's own configuration:
//   node services/search/dist/cli/index-commands.js reindex [--keep-previous]
//   node services/search/dist/cli/index-commands.js reconcile [--repair] [--account <account id>]
// Each prints one JSON report on stdout.
import { createLogger, createOpenSearch, errorMessage, createConversationClients } from '@inbox/lib';
import { ConversationDocuments } from '../adapters/conversation-documents.client';
import { ConversationIndex } from '../adapters/conversation-index';
import { IndexLayout } from '../adapters/index-layout';
import { loadSearchConfig } from '../config';
import { reconcile, reindex } from '../use-cases/maintain-index';

const USAGE = 'usage: index-commands (reindex [--keep-previous] | reconcile [--repair] [--account <account id>])';

function parseArguments(argv: string[]): { command: string; flags: Set<string>; accountId?: string } | undefined {
  const [command, ...rest] = argv;
  const flags = new Set<string>();
  let accountId: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--account' && command === 'reconcile') {
      accountId = rest[++i];
      if (!accountId || accountId.startsWith('--')) return undefined;
    } else if ((rest[i] === '--keep-previous' && command === 'reindex') || (rest[i] === '--repair' && command === 'reconcile')) {
      flags.add(rest[i]);
    } else {
      return undefined;
    }
  }
  return command === 'reindex' || command === 'reconcile' ? { command, flags, accountId } : undefined;
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseArguments(argv);
  if (!parsed) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { command, flags, accountId } = parsed;
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
        ? await reindex(index, documents, logger, { deletePrevious: !flags.has('--keep-previous') })
        : await reconcile(index, documents, { repair: flags.has('--repair'), accountId });
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
