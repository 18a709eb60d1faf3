import { runMigrationsCli } from '@inbox/lib';
import { loadNotificationConfig } from './config';
import { MIGRATIONS_DIR } from './migrations-dir';

void runMigrationsCli('notification', loadNotificationConfig().NOTIFICATION_DATABASE_URL, MIGRATIONS_DIR);
