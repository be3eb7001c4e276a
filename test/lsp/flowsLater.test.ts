import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspHarness, waitFor } from './harness';

/**
 * The observed flow files (netpolGuardrails.flows) are read after the folder's scan, never in it:
 * a capture still being written (here a named pipe no one writes yet) keeps neither the diagnostics
 * nor the hovers waiting, and its flows are checked once it has been read.
 */

describe('language server: observed flows read after the scan', () => {
  it('diagnostics and hovers answer while a flow file is still being read; its findings follow', { timeout: 30_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'netpol-flows-later-'));
    cpSync(join(__dirname, '..', 'fixtures', 'flows', 'shop'), folder, { recursive: true });
    const capture = join(folder, 'capture.csv');
    execFileSync('mkfifo', [capture]);
    const lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(folder).toString()] });
    lsp.settings = () => ({ flows: ['capture.csv'] });
    let written: Promise<void> | undefined;
    try {
      await waitFor(() => lsp.ready, 10_000, 'the server ready');
      const uri = pathToFileURL(join(folder, 'policies.yaml')).toString();
      const text = readFileSync(join(folder, 'policies.yaml'), 'utf8');
      await lsp.open(uri, text);
      const observed = async (): Promise<number> => (await lsp.diagnostics(uri)).filter((d) => String(d.code).startsWith('observed-flow-')).length;
      // answered although the pipe has no writer yet: the read waits, the requests do not
      assert.equal(await waitFor(observed, 10_000, 'diagnostics while the capture is pending').then((n) => n), 0);
      const line = text.split('\n').findIndex((l) => l.includes('podSelector'));
      const hover = await waitFor(async () => (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } })) ?? undefined, 10_000, 'a hover while the capture is pending');
      assert.ok(hover);
      // the capture arrives: its blocked flows are reported
      written = writeFile(capture, readFileSync(join(folder, 'flows.csv'), 'utf8'));
      await written;
      const count = await waitFor(async () => {
        const n = await observed();
        return n > 0 ? n : undefined;
      }, 10_000, 'the observed-flow diagnostics of the capture');
      assert.ok(count > 0);
    } finally {
      // a reader still waiting on the pipe gets its end
      if (!written) await writeFile(capture, '');
      await lsp.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
