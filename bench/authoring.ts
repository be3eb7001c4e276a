import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspHarness } from '../test/lsp/harness';
import { requestCodeActions, requestCompletion } from '../test/lsp/authoringHelpers';
import { generateWorkspace } from './workspace/generateWorkspace';
import { TemplateChoicesRequest, TemplateEditRequest, type TemplateChoicesResult, type TemplateEditResult } from '../server/src/protocol';

/**
 * `node --import tsx bench/authoring.ts`: code actions and completion latency (issue "Authoring":
 * 50 ms p95) through a real server over in-memory streams, on a workspace of 5,000 resources
 * (500 files) plus 10,000 running pods (Pod documents, as a cluster snapshot would add them).
 * One JSON object on stdout.
 */

const PODS = 10_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}
const round = (n: number): number => Math.round(n * 100) / 100;
const summary = (samples: number[]): Record<string, number | boolean> => ({
  samples: samples.length,
  median: round(percentile(samples, 50)),
  p95: round(percentile(samples, 95)),
  max: round(Math.max(...samples)),
  goal: 50,
  met: percentile(samples, 95) <= 50,
});

function podFiles(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const perFile = 100;
  for (let f = 0; f < PODS / perFile; f++) {
    const docs: string[] = [];
    for (let i = 0; i < perFile; i++) {
      const n = f * perFile + i;
      const ns = `team-${String(n % 250).padStart(4, '0')}`;
      docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: svc-${n % 20}-${n}
  namespace: ${ns}
  labels:
    app: svc-${n % 20}
    pod-template-hash: h${n % 7}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      ports:
        - name: http
          containerPort: ${8000 + (n % 1000)}
`);
    }
    out.push({ path: `/bench/pods/pods-${f}.yaml`, text: docs.join('---\n') });
  }
  return out;
}

async function main(): Promise<void> {
  const files = [...generateWorkspace({ files: 500, resources: 5000, seed: 7 }).map((f) => ({ path: `/bench/ws/${f.path}`, text: f.text })), ...podFiles()];
  // as VS Code starts it: the input templates' command actions are offered too
  const lsp = await LspHarness.start({ initializationOptions: { insertTemplateCommand: true } });
  await lsp.ready;
  const openStart = performance.now();
  for (const f of files) await lsp.open(`file://${f.path}`, f.text);
  const policyFiles = files.filter((f) => f.text.includes('kind: NetworkPolicy') && f.text.includes('app: svc-'));
  const workloadFiles = files.filter((f) => f.text.includes('kind: Deployment'));
  // the first pull indexes everything
  await lsp.diagnostics(`file://${policyFiles[0]!.path}`);
  const indexMs = performance.now() - openStart;

  const codeActions: number[] = [];
  const codeActionsAfterEdit: number[] = [];
  const completion: number[] = [];
  const completionAfterEdit: number[] = [];
  const templateChoices: number[] = [];
  const templateEdits: number[] = [];
  let offered = 0;
  let items = 0;
  for (let i = 0; i < 40; i++) {
    // code actions at a workload (templates) and at a policy's diagnostics (quick fixes)
    const target = i % 2 === 0 ? workloadFiles[(i * 13) % workloadFiles.length]! : policyFiles[(i * 7) % policyFiles.length]!;
    const uri = `file://${target.path}`;
    const doc = TextDocument.create(uri, 'yaml', 0, target.text);
    const diagnostics = await lsp.diagnostics(uri);
    const at = doc.positionAt(Math.max(0, target.text.indexOf('kind:')));
    let start = performance.now();
    offered += (await requestCodeActions(lsp, uri, { start: at, end: at }, diagnostics)).length;
    codeActions.push(performance.now() - start);

    // completion of a label value in a policy's podSelector
    const policy = policyFiles[(i * 11) % policyFiles.length]!;
    const policyUri = `file://${policy.path}`;
    const policyDoc = TextDocument.create(policyUri, 'yaml', 0, policy.text);
    const valueAt = policy.text.indexOf('app: svc-', policy.text.indexOf('kind: NetworkPolicy')) + 'app: svc'.length;
    start = performance.now();
    items += (await requestCompletion(lsp, policyUri, policyDoc.positionAt(valueAt))).length;
    completion.push(performance.now() - start);

    // the same right after a keystroke in that file (the request waits for its re-analysis)
    const edited = `${policy.text.slice(0, valueAt)}x${policy.text.slice(valueAt)}`;
    await lsp.change(policyUri, [{ text: edited }]);
    start = performance.now();
    await requestCompletion(lsp, policyUri, policyDoc.positionAt(valueAt + 1));
    completionAfterEdit.push(performance.now() - start);
    await lsp.change(policyUri, [{ text: policy.text }]);
    const policyDiagnostics = await lsp.diagnostics(policyUri);
    await lsp.change(policyUri, [{ text: edited }]);
    start = performance.now();
    await requestCodeActions(lsp, policyUri, { start: policyDoc.positionAt(valueAt), end: policyDoc.positionAt(valueAt) }, policyDiagnostics);
    codeActionsAfterEdit.push(performance.now() - start);
    await lsp.change(policyUri, [{ text: policy.text }]);

    // an input template on the workload: the pickers' choices, then the edit for one of them
    const position = at;
    start = performance.now();
    const choices: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template: i % 2 === 0 ? 'allowFromPods' : 'allowFromNamespace' });
    templateChoices.push(performance.now() - start);
    const namespace = choices.namespaces[0]?.name;
    if (namespace) {
      start = performance.now();
      const answer: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input: { template: 'allowFromNamespace', namespace } });
      templateEdits.push(performance.now() - start);
      if (!answer.edit && !/already allows/.test(answer.problem ?? '')) throw new Error(`template edit failed: ${String(answer.problem)}`);
    }
  }
  const resources = files.reduce((n, f) => n + (f.text.match(/^kind:/gm)?.length ?? 0), 0);
  process.stdout.write(
    `${JSON.stringify(
      {
        authoring: {
          input: { files: files.length, resources, workspaceResources: 5000, pods: PODS },
          indexMs: round(indexMs),
          codeActionsMs: { ...summary(codeActions), actionsOffered: offered },
          completionMs: { ...summary(completion), itemsReturned: items },
          afterKeystroke: { codeActionsMs: summary(codeActionsAfterEdit), completionMs: summary(completionAfterEdit) },
          inputTemplates: { choicesMs: summary(templateChoices), editMs: summary(templateEdits) },
        },
      },
      null,
      2,
    )}\n`,
  );
}

// exit without a shutdown handshake: background diagnostics refreshes may still be queued
main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
