// Shared body of each service's `migrate` command (also the Helm pre-upgrade Job):
//   node dist/migrate.js [--create-database]
import { createLogger } from '../logging/logger';
import { errorMessage } from '../observability/health';
import { createPool } from '../postgres/pool';
import { ensureDatabase, migrate } from '../postgres/migrate';

export async function runMigrationsCli(service: string, databaseUrl: string, directory: string, argv = process.argv.slice(2)): Promise<void> {
  const logger = createLogger({ service: `${service}-migrate` });
  try {
    if (argv.includes('--create-database') && (await ensureDatabase(databaseUrl))) logger.info('database created');
    const pool = createPool(databaseUrl, logger, 1);
    try {
      const result = await migrate(pool, directory);
      logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, 'migrations done');
    } finally {
      await pool.end();
    }
  } catch (error) {
    process.stderr.write(`${service} migrations failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  }
}
