/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { openDatabase } from '../client.ts';
import { migrateDatabase } from '../migrate.ts';
import { databaseOptionsFromEnv } from '../options-from-env.ts';

const handle = await openDatabase(databaseOptionsFromEnv());
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied to ${handle.engine} at ${handle.location}`);
} finally {
  await handle.close();
}
