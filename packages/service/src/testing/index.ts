/** Test support shared by every store and transport (not part of the package's build). */
export { describeStorage, type StoreUnderTest } from './storage-suite.js';
