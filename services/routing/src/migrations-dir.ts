import path from 'node:path';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');
