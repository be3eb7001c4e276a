import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

describe('packaging', () => {
  it('the .vsix ships only the bundles (with cytoscape for the report page), schemas, snippets, icon and docs (no sources, no node_modules)', () => {
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.trim().split('\n').sort();
    for (const file of files) {
      assert.match(file, /^(dist\/(extension|server|serverMain|kubernetes|cli|cliMain|cytoscape\.min)\.js|schemas\/[\w.-]+\.json|snippets\/.*|images\/icon\.png|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/, `unexpected file in the package: ${file}`);
    }
    for (const required of ['dist/extension.js', 'dist/server.js', 'dist/serverMain.js', 'dist/kubernetes.js', 'dist/cli.js', 'dist/cliMain.js', 'dist/cytoscape.min.js', 'package.json', 'images/icon.png', 'LICENSE']) {
      assert.ok(files.includes(required), `the package lacks ${required}`);
    }
  });
});
