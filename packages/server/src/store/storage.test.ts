/** The service core's storage suite on the server's engines: SQLite, and PostgreSQL when it can run. */
import { describeStorage } from '@cpis/service/testing';
import { forEachEngine } from '../testing/engines.js';
import { createStorage } from './storage.js';

forEachEngine((engine) => {
  describeStorage(engine.name, async () => {
    const made = await engine.create();
    return { store: createStorage(made), dispose: () => engine.release(made) };
  });
});
