/**
 * The e2e suite, run inside a real VS Code's extension host (the @vscode/test-electron contract:
 * export `run(): Promise<void>`). The web runner (test/e2e/runE2e.ts) and the desktop runner
 * (test/e2e/runDesktop.ts) both load it bundled as dist/test/e2e/suite/index.js, with a fresh copy
 * of test/e2e/workspace/ open.
 *
 * Names used here are the extension's public contract on purpose (extension id, diagnostic source,
 * setting names, codes): renaming one of them should fail this suite.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../client/src/extension';
import type { GeneratePoliciesOutcome } from '../../../client/src/generatePolicies';
import type { CheckWorkspaceResult, ExplainConnectionResult, ShowImpactResult } from '../../../server/src/protocol';
import { adminApi, e2eCluster, pickCluster, waitForStatusItem } from './cluster';
import { describeDiagnostics, diagnosticCode, runScenarios, screenshot, waitFor, waitForDiagnostics, withDeadline, type Scenario } from './scenarioRunner';

const EXTENSION_ID = 'netpol-guardrails.netpol-guardrails';
const SOURCE = 'netpol-guardrails';

/** What the scenarios measure, printed by the last one as `E2E-METRICS {json}` for benchmarks. */
interface Metrics {
  /** activate() to the server's ready notification */
  activationMs?: number;
  /** server process start to the end of its `initialized` (measured by the server) */
  serverStartupMs?: number;
  /** activationMs cut at the client's and the server's milestones (ms, in order; they add up to it) */
  activationBreakdown?: Record<string, number>;
  /** CPU milliseconds of the server process at listening and at initialized */
  serverCpuMs?: { toListening: number; toInitialized: number };
  /** openTextDocument to the first diagnostic of a file */
  firstDiagnosticsMs?: number;
  /** applyEdit of the fix to the diagnostic's disappearance */
  diagnosticsAfterEditMs?: number;
  /** settings update to the diagnostics' disappearance / return */
  settingDisableMs?: number;
  settingEnableMs?: number;
  /** the Check Workspace command, end to end */
  checkWorkspaceMs?: number;
  /** applyEdit of the default-deny action to its diagnostic's disappearance */
  codeActionAppliedMs?: number;
}

const metrics: Metrics = {};

function extensionApi(): ExtensionApi {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension?.isActive, `extension ${EXTENSION_ID} is active`);
  return extension.exports;
}

/** Items of a list answer of the API server. */
function listItems(body: unknown): unknown[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  assert.ok(Array.isArray(items), `a list answer: ${JSON.stringify(body).slice(0, 300)}`);
  return items;
}

function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

async function openInEditor(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

function hasCode(code: string) {
  return (diagnostics: readonly vscode.Diagnostic[]) => diagnostics.some((d) => diagnosticCode(d) === code);
}

const none = (diagnostics: readonly vscode.Diagnostic[]) => diagnostics.length === 0;

/** API validation findings (`api-*`), without the guardrails that may also speak about a file. */
function apiDiagnostics(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => String(diagnosticCode(d)).startsWith('api-'));
}

const scenarios: Scenario[] = [
  {
    name: 'activates on a YAML workspace and the language server reports ready',
    async run() {
      const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
      assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
      // `workspaceContains:**/*.yaml` activates it at startup; activate() returns the same exports
      const api = await extension.activate();
      assert.ok(extension.isActive);
      assert.equal(typeof api.activatedAt, 'number');
      const ready = await withDeadline(api.serverReady, 45_000, 'the language server to report ready');
      assert.ok(ready.readyAt >= api.activatedAt, 'ready after activation');
      assert.ok(ready.startupMs >= 0, 'the server reports its startup time');
      metrics.activationMs = ready.readyAt - api.activatedAt;
      metrics.serverStartupMs = ready.startupMs;
      // where the wait goes, in order (each from the previous milestone)
      const server = ready.server;
      metrics.activationBreakdown = {
        activateToClientStart: ready.clientStartAt - api.activatedAt,
        clientStartToProcessStart: server.processStartAt - ready.clientStartAt,
        processStartToListening: server.listeningAt - server.processStartAt,
        listeningToInitialize: server.initializeAt - server.listeningAt,
        initializeToInitialized: server.initializedAt - server.initializeAt,
        initializedToReadyReceived: ready.readyAt - server.initializedAt,
      };
      // what the server process itself computed (its wall-clock steps include waiting for a core)
      metrics.serverCpuMs = { toListening: server.cpuMsAtListening, toInitialized: server.cpuMsAtInitialized };
    },
  },
  {
    name: 'shows the API error of an endPort below port at the exact range, and clears it after the fix',
    async run() {
      const uri = workspaceFile('policies/api-endport.yaml');
      const opened = performance.now();
      const document = await openInEditor(uri);
      const found = await waitForDiagnostics(uri, SOURCE, hasCode('api-invalid'), 'the api-invalid diagnostic');
      metrics.firstDiagnosticsMs = Math.round(performance.now() - opened);
      const [diagnostic, ...others] = apiDiagnostics(found);
      assert.ok(diagnostic);
      assert.equal(others.length, 0, `exactly one API error, got ${describeDiagnostics(found)}`);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      // `          endPort: 80` on line 13 (0-based): the value, not the key or the line
      assert.deepEqual(
        [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character],
        [13, 19, 13, 21],
      );
      assert.equal(document.getText(diagnostic.range), '80');
      assert.match(diagnostic.message, /endPort 80 is below port 8080/);
      if (process.env['E2E_SCREENSHOT_DIR']) {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        await vscode.window.showTextDocument(document);
        await screenshot('diagnostics');
      }

      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, diagnostic.range, '8090');
      const edited = performance.now();
      assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
      assert.match(document.lineAt(13).text, /endPort: 8090$/);
      await waitForDiagnostics(uri, SOURCE, (ds) => apiDiagnostics(ds).length === 0, 'the API error to disappear after the fix');
      metrics.diagnosticsAfterEditMs = Math.round(performance.now() - edited);
    },
  },
  {
    name: 'netpolGuardrails.enable = false (workspace folder) removes the diagnostics, true restores them',
    async run() {
      const uri = workspaceFile('policies/web-protocol.yaml');
      await openInEditor(uri);
      await waitForDiagnostics(uri, SOURCE, hasCode('api-not-supported'), 'the api-not-supported diagnostic');
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      assert.ok(folder);
      const configuration = () => vscode.workspace.getConfiguration('netpolGuardrails', folder.uri);

      let changed = performance.now();
      await configuration().update('enable', false, vscode.ConfigurationTarget.WorkspaceFolder);
      assert.equal(configuration().inspect<boolean>('enable')?.workspaceFolderValue, false);
      await waitForDiagnostics(uri, SOURCE, none, 'the diagnostics to go with enable = false');
      metrics.settingDisableMs = Math.round(performance.now() - changed);

      changed = performance.now();
      await configuration().update('enable', true, vscode.ConfigurationTarget.WorkspaceFolder);
      await waitForDiagnostics(uri, SOURCE, hasCode('api-not-supported'), 'the diagnostics to return with enable = true');
      metrics.settingEnableMs = Math.round(performance.now() - changed);
    },
  },
  {
    name: 'Check Workspace (command) reports progress and fills the Problems panel for a file that is not open',
    async run() {
      const uri = workspaceFile('apps/web.yaml');
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'apps/web.yaml is not open');
      const started = performance.now();
      const result = await withDeadline(
        Promise.resolve(vscode.commands.executeCommand<CheckWorkspaceResult | undefined>('netpolGuardrails.checkWorkspace')),
        60_000,
        'the workspace check to finish',
      );
      metrics.checkWorkspaceMs = Math.round(performance.now() - started);
      assert.ok(result?.completed, 'the check completed');
      assert.ok(result.files >= 4, `${result.files} files checked`);
      const found = await waitForDiagnostics(uri, SOURCE, hasCode('workload-not-isolated'), 'the guardrails of the unopened file');
      assert.ok(found.some((d) => diagnosticCode(d) === 'missing-default-deny'), describeDiagnostics(found));
      if (process.env['E2E_SCREENSHOT_DIR']) {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        await screenshot('check-workspace');
      }
      // the summary's "Open Report" button runs this command: the report page in a webview
      const report = await withDeadline(Promise.resolve(vscode.commands.executeCommand<{ htmlLength: number } | undefined>('netpolGuardrails.showReport')), 30_000, 'the report webview');
      assert.ok(report && report.htmlLength > 10_000, `a report page of ${report?.htmlLength ?? 0} characters`);
      if (process.env['E2E_SCREENSHOT_DIR']) await screenshot('report');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'a default-deny code action (vscode.executeCodeActionProvider) adds the policy to the document and clears missing-default-deny',
    async run() {
      const uri = workspaceFile('apps/web.yaml');
      const document = await openInEditor(uri);
      await waitForDiagnostics(uri, SOURCE, hasCode('missing-default-deny'), 'missing-default-deny on the unisolated Deployment');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(5, 0, 5, 0));
      const titles = actions.map((a) => a.title);
      const action = actions.find((a) => /^Add a default-deny .*policy for namespace storefront$/.test(a.title) && /ingress and egress|both/i.test(a.title));
      assert.ok(action?.edit, `a default-deny action for both directions among: ${titles.join(' | ')}`);
      if (process.env['E2E_SCREENSHOT_DIR']) {
        await vscode.commands.executeCommand('editor.action.quickFix');
        await screenshot('code-actions');
        await vscode.commands.executeCommand('hideCodeActionWidget');
      }
      const before = document.getText();
      const started = performance.now();
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'the edit applies');
      const added = document.getText().slice(before.length);
      assert.ok(document.getText().startsWith(before), 'the existing text is kept as it was');
      assert.match(added, /kind: NetworkPolicy/);
      assert.match(added, /namespace: storefront/);
      assert.match(added, /podSelector: \{\}/);
      await waitForDiagnostics(uri, SOURCE, (ds) => !ds.some((d) => diagnosticCode(d) === 'missing-default-deny'), 'missing-default-deny to go after the action');
      metrics.codeActionAppliedMs = Math.round(performance.now() - started);
    },
  },
  {
    name: 'completion (vscode.executeCompletionItemProvider) offers label values from the workspace in a selector',
    async run() {
      const uri = workspaceFile('policies/allow-web.yaml');
      const text = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: allow-web', '  namespace: storefront', 'spec:', '  podSelector:', '    matchLabels:', '      app: ', ''].join('\n');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      const document = await openInEditor(uri);
      assert.equal(document.languageId, 'yaml');
      const position = new vscode.Position(8, 11);
      const labels = await waitFor(async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
        const found = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
        return found.includes('web') ? found : undefined;
      }, 20_000, 'the label value web among the completions');
      assert.ok(labels.includes('web'), labels.join(', '));
      if (process.env['E2E_SCREENSHOT_DIR']) {
        const editor = await vscode.window.showTextDocument(document);
        editor.selection = new vscode.Selection(position, position);
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        await screenshot('completion');
      }
    },
  },
  {
    name: 'hover on a podSelector (vscode.executeHoverProvider) lists the workloads it matches',
    async run() {
      const uri = workspaceFile('policies/web-ingress.yaml');
      const text = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: web-ingress', '  namespace: storefront', 'spec:', '  podSelector:', '    matchLabels:', '      app: web', '  ingress:', '    - ports:', '        - port: 8080', ''].join('\n');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      await openInEditor(uri);
      const hoverText = await waitFor(async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4));
        const joined = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        return joined.includes('storefront/web') ? joined : undefined;
      }, 20_000, 'a hover naming storefront/web');
      assert.match(hoverText, /podSelector of storefront\/web-ingress/);
      assert.match(hoverText, /1 workload: storefront\/web/);
      if (process.env['E2E_SCREENSHOT_DIR']) {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        editor.selection = new vscode.Selection(6, 4, 6, 4);
        await vscode.commands.executeCommand('editor.action.showHover');
        await screenshot('hover');
      }
    },
  },
  {
    name: 'Explain Connection (command) names the policy that lets an outside address reach the isolated workload on 8080',
    async run() {
      const answer = await withDeadline(
        Promise.resolve(vscode.commands.executeCommand<{ uri: vscode.Uri; result: ExplainConnectionResult } | undefined>('netpolGuardrails.explainConnection', { from: '203.0.113.7', to: 'storefront/web', port: '8080' })),
        30_000,
        'the explanation',
      );
      const explanation = answer?.result.explanation;
      assert.ok(explanation, answer?.result.error ?? 'an explanation');
      // the web-ingress policy of the previous scenario allows TCP 8080 from everywhere
      assert.equal(explanation.verdict, 'allowed', explanation.text);
      assert.match(explanation.text, /web-ingress/);
      const shown = vscode.workspace.textDocuments.find((d) => d.uri.toString() === answer.uri.toString());
      assert.ok(shown, 'the explanation is open in an editor');
      assert.match(shown.getText(), /web-ingress/);
    },
  },
  {
    name: 'Show Impact of Changes (command) lists what an unsaved edit opens and cuts off',
    async run() {
      const uri = workspaceFile('policies/web-ingress.yaml');
      const document = await openInEditor(uri);
      const line = document.lineAt(11);
      assert.match(line.text, /port: 8080$/);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(11, line.text.length - 4, 11, line.text.length), '9090');
      assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
      assert.ok(document.isDirty, 'the edit is unsaved');
      const answer = await withDeadline(
        Promise.resolve(vscode.commands.executeCommand<{ uri: vscode.Uri; result: ShowImpactResult } | undefined>('netpolGuardrails.showImpact', { uri })),
        30_000,
        'the impact of the edit',
      );
      const result = answer?.result;
      assert.ok(result && !result.error, result?.error ?? 'an impact');
      assert.equal(result.base, 'saved');
      assert.ok(result.opens.some((c) => c.dst === 'storefront/web' && /9090/.test(c.ports)), JSON.stringify(result.opens));
      assert.ok(result.cutsOff.some((c) => c.dst === 'storefront/web' && /8080/.test(c.ports)), JSON.stringify(result.cutsOff));
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  },
  {
    name: 'an input-taking template (Allow egress to a CIDR…): its code action runs netpolGuardrails.insertTemplate, given the input, and the document gets the exact rule',
    async run() {
      const uri = workspaceFile('policies/reports-egress.yaml');
      const text = [
        '# reports: egress reviewed by the data team',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: reports-egress',
        '  namespace: analytics',
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        "      app: 'reports'",
        '  policyTypes: [Egress]',
        '  egress: []   # nothing yet',
        '',
      ].join('\n');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      const document = await openInEditor(uri);
      const title = 'Allow egress from reports-egress to a CIDR…';
      const action = await waitFor(async () => {
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(4, 2, 4, 2));
        return actions.find((a) => a.title === title);
      }, 20_000, `the code action "${title}"`);
      assert.equal(action.command?.command, 'netpolGuardrails.insertTemplate');
      assert.equal(action.edit, undefined, 'the edit comes after the input');
      const args = action.command.arguments?.[0] as Record<string, unknown>;
      const result = await withDeadline(
        Promise.resolve(
          vscode.commands.executeCommand<{ applied: boolean; title?: string; problem?: string } | undefined>(action.command.command, {
            ...args,
            input: { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: 'TCP 443' },
          }),
        ),
        30_000,
        'the template edit',
      );
      assert.ok(result?.applied, result?.problem ?? 'the edit applies');
      assert.equal(result.title, 'Allow egress from reports-egress to 10.0.0.0/8 except 10.1.0.0/16 on TCP 443');
      assert.equal(
        document.getText(),
        [
          '# reports: egress reviewed by the data team',
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          '  name: reports-egress',
          '  namespace: analytics',
          'spec:',
          '  podSelector:',
          '    matchLabels:',
          "      app: 'reports'",
          '  policyTypes: [Egress]',
          '  egress:   # nothing yet',
          '    - to:',
          '        - ipBlock:',
          '            cidr: "10.0.0.0/8"',
          '            except:',
          '              - "10.1.0.0/16"',
          '      ports:',
          '        - protocol: TCP',
          '          port: 443',
          '',
        ].join('\n'),
      );
      await waitForDiagnostics(uri, SOURCE, (ds) => apiDiagnostics(ds).length === 0, 'no API error after the template');
      // the same input again: already allowed, nothing more is written
      const again = await vscode.commands.executeCommand<{ applied: boolean; problem?: string } | undefined>(action.command.command, {
        ...args,
        input: { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: 'TCP 443' },
      });
      assert.equal(again?.applied, false);
      assert.match(again.problem ?? '', /already allows/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'Generate Policies from Observed Flows (command) previews the policies and writes them as a new file',
    async run() {
      const flows = workspaceFile('flows/observed.jsonl');
      const lines = [
        { source: '10.0.5.20', destination: 'storefront/web', protocol: 'TCP', port: 8080, count: 12, first_seen: '2026-12-01T10:00:00Z', last_seen: '2026-12-01T10:30:00Z' },
        { source: 'storefront/web', destination: { namespace: 'kube-system', workload: 'coredns', labels: { 'k8s-app': 'kube-dns' } }, protocol: 'UDP', port: 53, count: 30 },
        { source: '10.0.9.9', destination: 'storefront/web', protocol: 'TCP', port: 22, count: 3, verdict: 'dropped' },
      ];
      await vscode.workspace.fs.writeFile(flows, new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
      const outcome = await withDeadline(
        Promise.resolve(vscode.commands.executeCommand<GeneratePoliciesOutcome | undefined>('netpolGuardrails.generatePolicies', { flowFiles: [flows.toString()], write: true })),
        60_000,
        'the generated policies',
      );
      assert.ok(outcome, 'an outcome');
      assert.deepEqual(outcome.result.files.map((f) => f.namespace), ['storefront']);
      assert.deepEqual([outcome.result.admitted, outcome.result.dns, outcome.result.notForwarded, outcome.result.uncovered.length], [2, 1, 1, 0]);
      assert.deepEqual([outcome.result.check.blocked, outcome.result.check.unjustified, outcome.result.check.apiErrors], [[], [], []]);
      // the summary and the preview are open, read-only
      for (const preview of outcome.previews) assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === preview.toString()), `${preview.toString()} is open`);
      assert.equal(outcome.written.length, 1);
      const written = outcome.written[0]!;
      assert.match(written.path, /\/storefront\.observed-policies\.yaml$/);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(written));
      assert.equal(text, outcome.result.files[0]!.text);
      assert.match(text, /name: default-deny(-\d+)?\n {2}namespace: storefront\n/);
      assert.match(text, /# {3}10\.0\.5\.20 TCP\/8080: 12 flows, first 2026-12-01T10:00:00Z, last 2026-12-01T10:30:00Z\n {4}- from:\n {8}- ipBlock:\n {12}cidr: 10\.0\.5\.20\/32\n/);
      assert.doesNotMatch(text, /10\.0\.9\.9/, 'a dropped flow justifies nothing');
      await vscode.workspace.fs.delete(written);
      await vscode.workspace.fs.delete(flows);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'the cluster status bar item shows the kubeconfig of the machine settings as not connected',
    async run() {
      const cluster = e2eCluster();
      const view = await waitForStatusItem(extensionApi(), (v) => v.shown && v.status?.state === 'disconnected', 'the status bar item, disconnected');
      assert.equal(view.text, '$(cloud) Cluster: not connected');
      assert.deepEqual(view.status?.kubeconfigFiles, [cluster.kubeconfig]);
      assert.deepEqual([...(view.status?.contexts ?? [])].sort(), [cluster.adminContext, cluster.restrictedContext].sort());
      assert.match(view.tooltip, /\*\*Live cluster: disconnected\*\*/);
      assert.match(view.tooltip, /Click to switch context or disconnect/);
    },
  },
  {
    name: 'connecting from the status bar command (admin context) shows connected with the live counts of the test API server',
    async run() {
      const cluster = e2eCluster();
      const api = adminApi(cluster);
      try {
        // something of ours in the cluster, so the counts are not only what the API server creates
        const namespace = await api.admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-status' } });
        assert.equal(namespace.status, 201, JSON.stringify(namespace.body));
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] } };
        const created = await api.admin('POST', '/api/v1/namespaces/e2e-status/pods', pod);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const namespaces = listItems((await api.admin('GET', '/api/v1/namespaces')).body).length;
        const pods = listItems((await api.admin('GET', '/api/v1/pods')).body).length;
        assert.ok(pods >= 1);

        const answer = await pickCluster(cluster.adminContext);
        assert.ok(answer, 'the command answers with the status');
        assert.equal(answer.context, cluster.adminContext);
        assert.ok(answer.state === 'connecting' || answer.state === 'connected', `state ${answer.state}`);
        const view = await waitForStatusItem(
          extensionApi(),
          (v) => v.status?.state === 'connected' && v.status.context === cluster.adminContext && v.status.counts.namespaces === namespaces && v.status.counts.pods === pods,
          `connected to ${cluster.adminContext} with ${namespaces} namespaces and ${pods} pods`,
        );
        assert.equal(view.shown, true);
        assert.equal(view.text, `$(cloud) ${cluster.adminContext}: connected`);
        assert.equal(view.status?.server, cluster.url);
        assert.deepEqual(view.status?.denied, []);
        assert.match(view.tooltip, /\*\*Live cluster: connected\*\*/);
        assert.ok(view.tooltip.includes(`Context: \`${cluster.adminContext}\` (${cluster.url})`), view.tooltip);
        assert.ok(view.tooltip.includes(`${namespaces} namespaces, ${pods} pods`), view.tooltip);
      } finally {
        api.close();
      }
    },
  },
  {
    name: 'connected: the podSelector hover (vscode.executeHoverProvider) lists the live pods and near misses; a cluster-only pod is reported in its read-only netpol-cluster document',
    async run() {
      const cluster = e2eCluster();
      const api = adminApi(cluster);
      try {
        const namespace = await api.admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'storefront' } });
        assert.ok(namespace.status === 201 || namespace.status === 409, JSON.stringify(namespace.body));
        // a namespace no policy of the workspace names, for a pod nothing isolates
        const loose = await api.admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-loose' } });
        assert.equal(loose.status, 201, JSON.stringify(loose.body));
        for (const [namespace, name, app] of [['storefront', 'web-1', 'web'], ['storefront', 'web-2', 'web'], ['storefront', 'web-canary', 'web-v2'], ['e2e-loose', 'stray', 'stray']] as const) {
          const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] } };
          const created = await api.admin('POST', `/api/v1/namespaces/${namespace}/pods`, pod);
          assert.equal(created.status, 201, JSON.stringify(created.body));
        }
      } finally {
        api.close();
      }
      // the policy of the hover scenario above, still connected to the admin context
      const uri = workspaceFile('policies/web-ingress.yaml');
      await openInEditor(uri);
      const clusterPart = await waitFor(async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(6, 4));
        const joined = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        const at = joined.indexOf(`**In the cluster (context ${cluster.adminContext})**`);
        return at >= 0 && joined.includes('web-canary') ? joined.slice(at) : undefined;
      }, 30_000, 'a hover with the live pods of storefront');
      assert.equal(
        clusterPart,
        [
          `**In the cluster (context ${cluster.adminContext})**`,
          '',
          '2 pods match in namespace storefront:',
          '',
          '- storefront/web-1 (app=web)',
          '- storefront/web-2 (app=web)',
          '',
          'Near misses (pods that meet every requirement but one):',
          '',
          '- storefront/web-canary: app=web-v2, not app=web',
        ].join('\n'),
      );
      if (process.env['E2E_SCREENSHOT_DIR']) {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        editor.selection = new vscode.Selection(6, 4, 6, 4);
        await vscode.commands.executeCommand('editor.action.showHover');
        await screenshot('hover-live-pods');
      }

      // inventorySource both (the default): the stray pod, which no policy selects, is reported in the cluster
      const stray = vscode.Uri.parse(`netpol-cluster://${encodeURIComponent(cluster.adminContext)}/namespaces/e2e-loose/pod/stray`);
      const document = await vscode.workspace.openTextDocument(stray);
      assert.match(document.getText(), /"name": "stray"/);
      await vscode.window.showTextDocument(document);
      const diagnostics = await waitForDiagnostics(stray, SOURCE, (list) => list.some((d) => diagnosticCode(d) === 'workload-not-isolated'), 'workload-not-isolated on the stray pod');
      const notIsolated = diagnostics.find((d) => diagnosticCode(d) === 'workload-not-isolated');
      assert.equal(notIsolated?.source, SOURCE);
      assert.ok(notIsolated?.message.startsWith(`In the cluster (context ${cluster.adminContext}): Pod e2e-loose/stray is not isolated`), notIsolated?.message);
      assert.match(document.lineAt(notIsolated.range.start.line).text, /"name": "stray"/);
    },
  },
  {
    name: "switching to the restricted user's context shows the kinds RBAC denies",
    async run() {
      const cluster = e2eCluster();
      await pickCluster(cluster.restrictedContext);
      // the restricted user may list and watch namespaces only (test/cluster/setup.go)
      const denied = ['DaemonSet', 'Deployment', 'NetworkPolicy', 'Pod', 'ReplicaSet', 'StatefulSet'];
      const view = await waitForStatusItem(
        extensionApi(),
        (v) => v.status?.context === cluster.restrictedContext && v.status.state === 'connected' && v.status.denied.length === denied.length,
        `${cluster.restrictedContext} connected with ${denied.length} kinds denied`,
      );
      assert.deepEqual(view.status?.denied.map((d) => d.kind).sort(), denied);
      assert.equal(view.text, `$(cloud) ${cluster.restrictedContext}: connected (${denied.length} kinds denied)`);
      assert.ok(view.status && view.status.counts.namespaces > 0 && view.status.counts.pods === 0, JSON.stringify(view.status?.counts));
      // the denials are appended as text: spaces come as &nbsp;, markdown punctuation escaped
      const tooltip = view.tooltip.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>"])/g, '$1');
      assert.match(tooltip, /missing permission "list" on pods \(core group\) in all namespaces/);
      assert.match(tooltip, /missing permission "list" on networkpolicies \(group networking\.k8s\.io\)/);
    },
  },
  {
    name: "Disconnect from the status bar's quick pick returns the item to not connected",
    async run() {
      const answer = await pickCluster('Disconnect');
      assert.equal(answer?.state, 'disconnected');
      const view = await waitForStatusItem(extensionApi(), (v) => v.status?.state === 'disconnected', 'disconnected');
      assert.equal(view.shown, true);
      assert.equal(view.text, '$(cloud) Cluster: not connected');
    },
  },
  {
    name: 'reports activation and startup times as E2E-METRICS',
    run() {
      assert.ok(metrics.activationMs !== undefined && metrics.serverStartupMs !== undefined, 'the activation scenario measured them');
      assert.ok(metrics.activationMs >= 0 && metrics.serverStartupMs >= 0);
      const line = { ...metrics, vscodeVersion: vscode.version, uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop' };
      console.log(`E2E-METRICS ${JSON.stringify(line)}`);
      return Promise.resolve();
    },
  },
];

export function run(): Promise<void> {
  return runScenarios('netpol-guardrails e2e', scenarios);
}
