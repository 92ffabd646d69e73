export { openDatabase, bindDeployment, type Database, type Sql } from './db.ts';
export { migrate, migrationFiles, MIGRATIONS_DIR, type MigrateOptions } from './migrate.ts';
