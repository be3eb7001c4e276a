import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Inlined by esbuild's `define` in dist/cliMain.js (esbuild.mjs); unbundled runs (tsx) read node_modules. */
declare const __NETPOL_CYTOSCAPE_SOURCE__: string | undefined;

let cached: string | undefined;

/** cytoscape's browser bundle, for inlining into the report (no CDN: the page works offline). */
export function cytoscapeSource(): string {
  if (typeof __NETPOL_CYTOSCAPE_SOURCE__ === 'string') return __NETPOL_CYTOSCAPE_SOURCE__;
  // dist/server.js: esbuild.mjs copies the bundle next to it (and the .vsix ships it)
  const beside = join(__dirname, 'cytoscape.min.js');
  if (existsSync(beside)) return (cached ??= readFileSync(beside, 'utf8'));
  // a variable, so that esbuild leaves this fallback alone instead of asking to bundle it
  const bundle = 'cytoscape/dist/cytoscape.min.js';
  return readFileSync(require.resolve(bundle), 'utf8');
}
