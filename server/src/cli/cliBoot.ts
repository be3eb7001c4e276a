import { enableCompileCache } from '../compileCache';

// Entry of dist/cli.js (the `netpol-guardrails` bin): turns on Node's compile cache
// (compileCache.ts), then loads the CLI's bundle, dist/cliMain.js, as serverBoot.ts does for the
// server. A hook or a CI step that runs the CLI again and again then skips compiling it.
enableCompileCache();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the cache is on, not hoisted as an import would be
require('./cliMain.js');
