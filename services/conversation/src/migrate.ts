import { runMigrationsCli } from '@inbox/lib';
import { loadConversationConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';

void runMigrationsCli('conversation', loadConversationConfig().CONVERSATION_DATABASE_URL, MIGRATIONS_DIR);
