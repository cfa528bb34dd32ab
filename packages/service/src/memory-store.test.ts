import { MemoryStore } from './memory-store.js';
import { describeStorage } from './testing/storage-suite.js';

describeStorage('memory', async () => ({
  store: new MemoryStore(),
  dispose: async () => undefined,
}));
