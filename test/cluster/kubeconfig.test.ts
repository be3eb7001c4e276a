import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeconfigError, kubeconfigFiles, loadKubeconfig } from '../../server/src/cluster/kubeconfig';

/** Which kubeconfig the connection reads, and how files merge (no server needed). */

function config(name: string, server: string, current?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${name}`,
    '  user:',
    `    token: ${name}-token`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    ...(current ? [`current-context: ${current}`] : []),
    '',
  ].join('\n');
}

describe('kubeconfig resolution', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-kubeconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const homeConfig = join(home, '.kube', 'config');
  writeFileSync(homeConfig, config('home', 'https://home.example:6443', 'home'));
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(a, config('a', 'https://a.example:6443'));
  writeFileSync(b, config('b', 'https://b.example:6443', 'b'));

  it('prefers an explicit path, then $KUBECONFIG, then ~/.kube/config', () => {
    assert.deepEqual(kubeconfigFiles({ path: a, env: { KUBECONFIG: b }, home }), [a]);
    assert.deepEqual(kubeconfigFiles({ env: { KUBECONFIG: `${a}${delimiter}${b}` }, home }), [a, b]);
    assert.deepEqual(kubeconfigFiles({ env: {}, home }), [homeConfig]);
    assert.deepEqual(loadKubeconfig({ env: {}, home }).contexts, ['home']);
  });

  it('merges $KUBECONFIG files as kubectl does: the first file to name something wins, missing files are skipped', () => {
    // extra names "a" again (ignored: the first file wins) and sets another current context
    const extra = join(dir, 'extra.yaml');
    writeFileSync(extra, config('a', 'https://shadowed.example:6443', 'a'));
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [a, join(dir, 'missing.yaml'), b, extra].join(delimiter) }, home });
    assert.deepEqual(loaded.files, [a, b, extra]);
    assert.deepEqual([...loaded.contexts].sort(), ['a', 'b']);
    assert.equal(loaded.currentContext, 'b', 'from the first file that sets one');
    loaded.config.setCurrentContext('a');
    assert.equal(loaded.config.getCurrentCluster()?.server, 'https://a.example:6443');
  });

  it('says where it looked when there is no kubeconfig, and names a file it cannot read', () => {
    assert.throws(() => loadKubeconfig({ env: { KUBECONFIG: join(dir, 'none') }, home }), (error: Error) => error instanceof KubeconfigError && error.message.includes(join(dir, 'none')));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clusters: [');
    assert.throws(() => loadKubeconfig({ path: broken }), (error: Error) => error instanceof KubeconfigError && error.message.includes(broken));
  });
});
