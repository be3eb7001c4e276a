import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LspServerProcess } from '../../bench/lspClient';
import { privateDirectory } from '../../server/src/compileCache';

/**
 * Node's compile cache for the server's bundle (server/src/compileCache.ts, dist/server.js): the
 * folder rules, and the built server turning it on, writing it and starting from it. The cache
 * needs Node >= 22.1 (the VS Code server's Node 24 has it, and the e2e suite checks it is on there);
 * on an older Node the server must start just the same, without it.
 */

const root = join(__dirname, '..', '..');
const serverPath = join(root, 'dist', 'server.js');
const work = mkdtempSync(join(tmpdir(), 'netpol-compile-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('compile cache folder', () => {
  it('creates a folder only this user can write', () => {
    const path = join(work, 'fresh');
    assert.equal(privateDirectory(path), path);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o700);
    // and takes it again as it is
    assert.equal(privateDirectory(path), path);
  });

  it('refuses a folder others can write, a symbolic link, or a file', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
    const shared = join(work, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    assert.equal(privateDirectory(shared), undefined);
    chmodSync(shared, 0o775);
    assert.equal(privateDirectory(shared), undefined, 'group-writable');
    const target = join(work, 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = join(work, 'link');
    symlinkSync(target, link);
    assert.equal(privateDirectory(link), undefined);
    const file = join(work, 'file');
    writeFileSync(file, '');
    assert.equal(privateDirectory(file), undefined);
  });
});

describe('the built server and the compile cache', () => {
  const supported = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

  it(supported ? 'turns it on in its own folder under TMPDIR and writes the bundle code cache after the first scan' : `starts without it on Node ${process.version} (no module.enableCompileCache)`, async () => {
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
    delete env['NODE_COMPILE_CACHE'];
    delete env['NODE_DISABLE_COMPILE_CACHE'];
    const first = await LspServerProcess.start(serverPath, [], { env });
    const reported = first.status?.timings.compileCache;
    await first.stop();
    if (!supported) {
      assert.equal(reported, undefined);
      return;
    }
    const folder = readdirSync(tmp).find((name) => name.startsWith('netpol-guardrails-'));
    assert.ok(folder, `a netpol-guardrails-<uid> folder in ${tmp}: ${readdirSync(tmp).join(', ')}`);
    const cacheRoot = join(tmp, folder, 'compile-cache');
    assert.ok(reported === undefined || reported.startsWith(cacheRoot), `reported ${String(reported)}, expected under ${cacheRoot}`);
    // Node keeps one folder per version; in it, an entry per module (the bundle's is the large one)
    const entries = existsSync(cacheRoot) ? readdirSync(cacheRoot).flatMap((v) => readdirSync(join(cacheRoot, v)).map((e) => statSync(join(cacheRoot, v, e)).size)) : [];
    assert.ok(
      entries.some((size) => size > 100_000),
      `a code cache of dist/serverMain.js was written: ${entries.join(', ')}`,
    );
    // NODE_DISABLE_COMPILE_CACHE is Node's switch, and ours
    const off = await LspServerProcess.start(serverPath, [], { env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } });
    const offReported = off.status?.timings.compileCache;
    await off.stop();
    assert.equal(offReported, undefined);
  });
});
