import 'reflect-metadata';
import { configFromEnvironment } from '../bootstrap';
import { openDatabase } from '../db/open';
import { seedDemo } from '../db/seed/demo';
import { systemClock } from '../lib/clock';

/** `npm run seed`: seeds the demo district into the configured database unless it already holds data. */
async function run(): Promise<void> {
  const config = configFromEnvironment();
  const db = await openDatabase(config.database);
  const r = await seedDemo(db, systemClock);
  console.log(
    r.seeded
      ? `Demo district seeded. Console password for ${r.consoleUsernames!.join(', ')}: ${r.consolePassword}`
      : 'The database already has data; nothing seeded.',
  );
  await db.ds.destroy();
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
