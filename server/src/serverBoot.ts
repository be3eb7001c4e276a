import { enableCompileCache } from './compileCache';

// Entry of dist/server.js (the `netpol-guardrails-lsp` bin, and what the extension forks): turns on
// Node's compile cache (compileCache.ts), then loads the server's bundle, dist/serverMain.js, which
// the cache then serves already compiled. A bundle cannot do this for itself: it is compiled
// whole before its first line runs.
enableCompileCache();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is on, not hoisted as an import would be
require('./serverMain.js');
