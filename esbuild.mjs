// One bundle per entry: dist/extension.js (client), dist/serverMain.js (language server) with
// dist/kubernetes.js (loaded by it on demand), dist/cliMain.js; and dist/server.js and dist/cli.js,
// small entries that turn Node's compile cache on before they load dist/serverMain.js and
// dist/cliMain.js (compileCache.ts).
// `node esbuild.mjs --production` minifies and drops sourcemaps (for the .vsix).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const production = process.argv.includes('--production');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// The `yaml` parser reads process.env.LOG_TOKENS (a debugging switch) once per token, and a
// process.env read is a slow native call: in our bundles the switch is off, at build time.
const yamlLogTokensOff = {
  name: 'yaml-log-tokens-off',
  setup(b) {
    b.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/]parse[\\/]parser\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('node_process.env.LOG_TOKENS')) throw new Error('yaml parser changed: revisit the LOG_TOKENS plugin');
      return { contents: source.replace('node_process.env.LOG_TOKENS', 'false'), loader: 'js' };
    });
  },
};

// @kubernetes/client-node (half of the server's code) is its own bundle, dist/kubernetes.js, which
// kubeconfig.ts requires on the first kubeconfig read: the server's (and the CLI's) startup neither
// parses nor runs it.
const kubernetesClientModule = fileURLToPath(new URL('./server/src/cluster/kubernetesClient', import.meta.url));
const kubernetesClientApart = {
  name: 'kubernetes-client-apart',
  setup(b) {
    b.onResolve({ filter: /[\\/]kubernetesClient$/ }, (args) =>
      resolve(args.resolveDir, args.path) === kubernetesClientModule ? { path: './kubernetes.js', external: true } : undefined,
    );
  },
};

// server/src/protocol.ts takes NotificationType/RequestType from vscode-languageserver-protocol,
// which the client shares; in the server that name resolves to the copy vscode-languageserver itself
// uses, so the server's bundle holds one protocol, types and jsonrpc instead of two versions of each.
const oneLspProtocol = {
  name: 'one-lsp-protocol',
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver-protocol$/ }, async (args) => {
      if (args.pluginData?.oneLspProtocol) return undefined;
      const server = await b.resolve('vscode-languageserver/node', { resolveDir: args.resolveDir, kind: args.kind, pluginData: { oneLspProtocol: true } });
      if (server.errors.length > 0) return { errors: server.errors };
      return b.resolve(args.path, { resolveDir: dirname(server.path), kind: args.kind, pluginData: { oneLspProtocol: true } });
    });
  },
};

const common = {
  plugins: [yamlLogTokensOff],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { __NETPOL_GUARDRAILS_VERSION__: JSON.stringify(pkg.version) },
  // vscode-languageclient/server ship ESM-only "browser" fields we never want in node bundles
  mainFields: ['module', 'main'],
};

// the server's report page (a webview) reads cytoscape's browser bundle next to dist/server.js
mkdirSync('dist', { recursive: true });
copyFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'), 'dist/cytoscape.min.js');

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, plugins: [...common.plugins, kubernetesClientApart, oneLspProtocol], entryPoints: ['server/src/serverMain.ts'], outfile: 'dist/serverMain.js' }),
  build({ ...common, entryPoints: ['server/src/serverBoot.ts'], outfile: 'dist/server.js', external: ['./serverMain.js'], banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/cliBoot.ts'], outfile: 'dist/cli.js', external: ['./cliMain.js'], banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cluster/kubernetesClient.ts'], outfile: 'dist/kubernetes.js' }),
  build({
    ...common,
    plugins: [...common.plugins, kubernetesClientApart, oneLspProtocol],
    entryPoints: ['server/src/cli/cliMain.ts'],
    outfile: 'dist/cliMain.js',
    // the HTML report inlines cytoscape's browser bundle (server/src/report/cytoscapeSource.ts)
    define: { ...common.define, __NETPOL_CYTOSCAPE_SOURCE__: JSON.stringify(readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'), 'utf8')) },
  }),
]);
