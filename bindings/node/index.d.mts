// Types of the package's ESM entry (index.mjs): the same declarations as
// index.d.ts, whose named exports index.mjs re-exports, plus the default
// export (index.js's exports object).
import * as clientcache from './index.js';

export * from './index.js';
export default clientcache;
