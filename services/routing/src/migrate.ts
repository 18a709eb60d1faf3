import { runMigrationsCli } from '@inbox/lib';
import { loadRoutingConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';

void runMigrationsCli('routing', loadRoutingConfig().ROUTING_DATABASE_URL, MIGRATIONS_DIR);
