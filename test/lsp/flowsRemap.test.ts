import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspHarness, waitFor } from './harness';

/**
 * Observed flows follow the manifests: the flow file is read once, and when an edit adds, changes
 * or removes the workloads its pods belong to, the flows are mapped to the workloads again
 * (WorkspaceAnalysis.setFlowPieces) and their findings follow, with no new read of the file.
 */

const fixture = join(__dirname, '..', 'fixtures', 'flows', 'shop');

/**
 * Hubble lines whose pods' names say nothing of their workloads (no `workloads` field, names no
 * controller gives): only the labels tie them to web and api of the shop's manifests, so without
 * those manifests the flow is mapped to workloads "frontend" and "backend" the workspace lacks.
 */
function hubbleLines(): string {
  const endpoint = (pod: string, labels: string[]) => ({ ID: 1, identity: 40000, namespace: 'shop', labels: [...labels.map((l) => `k8s:${l}`), 'k8s:io.kubernetes.pod.namespace=shop'], pod_name: pod });
  const line = (second: number) =>
    JSON.stringify({
      flow: {
        time: `2026-12-01T10:00:0${second}.000000000Z`,
        verdict: 'FORWARDED',
        IP: { source: '10.244.1.50', destination: '10.244.2.60', ipVersion: 'IPv4' },
        l4: { TCP: { source_port: 41000 + second, destination_port: 9090 } },
        source: endpoint('frontend-blue', ['app=web', 'tier=frontend']),
        destination: endpoint('backend-green', ['app=api', 'tier=backend']),
        Type: 'L3_L4',
        traffic_direction: 'EGRESS',
        is_reply: false,
      },
      node_name: 'worker-1',
    });
  return `${[1, 2, 3].map(line).join('\n')}\n`;
}

describe('language server: observed flows after manifest edits', () => {
  it('a flow whose workloads are not in the workspace is not judged; once their manifests are typed in, it is; removed, it is not again', { timeout: 30_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'netpol-flows-remap-'));
    // the policies and the flows, but not the workloads
    cpSync(join(fixture, 'policies.yaml'), join(folder, 'policies.yaml'));
    writeFileSync(join(folder, 'hubble.json'), hubbleLines());
    const lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(folder).toString()] });
    lsp.settings = () => ({ flows: ['hubble.json'] });
    const policies = pathToFileURL(join(folder, 'policies.yaml')).toString();
    const workloads = pathToFileURL(join(folder, 'workloads.yaml')).toString();
    const workloadsText = readFileSync(join(fixture, 'workloads.yaml'), 'utf8');
    try {
      await waitFor(() => lsp.ready, 10_000, 'the server ready');
      const policiesText = readFileSync(join(folder, 'policies.yaml'), 'utf8');
      await lsp.open(policies, policiesText);
      const observed = async (): Promise<string[]> =>
        (await lsp.diagnostics(policies))
          .filter((d) => String(d.code).startsWith('observed-flow-'))
          .map((d) => `${String(d.code)}: ${(typeof d.message === 'string' ? d.message : d.message.value).split('\n')[0]}`)
          .sort();
      // the flows are loaded (the log says so) but name workloads the workspace lacks
      await waitFor(() => lsp.logs.some((l) => l.includes('Observed flows:') && l.includes('distinct flows')) || undefined, 10_000, 'the flows read');
      // an edit after the read: the findings are made again, with the flows, mapped to no workload
      await lsp.change(policies, [{ text: `${policiesText}\n# reviewed\n` }]);
      assert.deepEqual(await observed(), []);

      await lsp.open(workloads, workloadsText);
      const judged = await waitFor(async () => {
        const list = await observed();
        return list.length > 0 ? list : undefined;
      }, 10_000, 'observed-flow findings once the workloads are there');
      // web -> api on 9090: api's ingress takes web on 8080 only
      assert.ok(judged.some((d) => d.startsWith('observed-flow-blocked') && d.includes('9090')), judged.join('\n'));

      // the workloads emptied: nothing to judge the flows against again
      await lsp.change(workloads, [{ text: '' }]);
      await waitFor(async () => ((await observed()).length === 0 ? true : undefined), 10_000, 'the findings gone with the workloads');
      // and back, as typed: the same findings as the first time
      await lsp.change(workloads, [{ text: workloadsText }]);
      const again = await waitFor(async () => {
        const list = await observed();
        return list.length > 0 ? list : undefined;
      }, 10_000, 'the findings back');
      assert.deepEqual(again, judged);
      // the file was read once: one "Observed flows:" summary in the log
      assert.equal(lsp.logs.filter((l) => l.includes('Observed flows:') && l.includes('distinct flows')).length, 1);
    } finally {
      await lsp.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
