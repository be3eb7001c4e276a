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
import type { CheckWorkspaceResult, ExplainConnectionResult, ShowDriftResult, ShowImpactResult } from '../../../server/src/protocol';
import { adminApi, e2eCluster, pickCluster, waitForStatusItem } from './cluster';
import { describeDiagnostics, diagnosticCode, ourDiagnostics, runScenarios, screenshot, waitFor, waitForDiagnostics, withDeadline, type Scenario } from './scenarioRunner';

const EXTENSION_ID = 'netpol-guardrails.netpol-guardrails';
const SOURCE = 'netpol-guardrails';

/** What the scenarios measure, printed by the last one as `E2E-METRICS {json}` for benchmarks. */
interface Metrics {
  /** activate() to the server's ready notification */
  activationMs?: number;
  /** server process start to the end of its `initialized` (measured by the server) */
  serverStartupMs?: number;
  /** activationMs cut at the server's and the client's milestones (ms; the two run side by side until initialize) */
  activationBreakdown?: Record<string, number>;
  /** CPU milliseconds of the server process at listening and at initialized */
  serverCpuMs?: { toListening: number; toInitialized: number };
  /** the folder of the server's compile cache (server/src/compileCache.ts) */
  compileCache?: string;
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
      // where the wait goes: the server process (started first, serverProcess.ts) and the client
      // run side by side until `initialize`, which needs both; then each from the previous milestone
      const server = ready.server;
      metrics.activationBreakdown = {
        activateToProcessStart: server.processStartAt - api.activatedAt,
        processStartToListening: server.listeningAt - server.processStartAt,
        activateToClientStart: ready.clientStartAt - api.activatedAt,
        listeningToInitialize: server.initializeAt - server.listeningAt,
        initializeToInitialized: server.initializedAt - server.initializeAt,
        initializedToReadyReceived: ready.readyAt - server.initializedAt,
      };
      // what the server process itself computed (its wall-clock steps include waiting for a core)
      metrics.serverCpuMs = { toListening: server.cpuMsAtListening, toInitialized: server.cpuMsAtInitialized };
      // the VS Code server's Node (24) has the compile cache: the server must have turned it on
      assert.ok(server.compileCache, 'the server runs with Node\'s compile cache on (server/src/compileCache.ts)');
      metrics.compileCache = server.compileCache;
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
    name: 'Load Observed Flows… (command, given the file) sets netpolGuardrails.flows: observed-flow-blocked on the policy that blocks a flow, and Show Impact names the observed flows an unsaved edit cuts off',
    async run() {
      const manifests = workspaceFile('checkout/checkout.yaml');
      const flows = workspaceFile('flows/checkout.jsonl');
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const configuration = () => vscode.workspace.getConfiguration('netpolGuardrails', folder.uri);
      assert.deepEqual(configuration().get('flows'), [], 'no flows loaded before');
      const deployment = (name: string) => [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: ${name}`,
        '  namespace: checkout',
        'spec:',
        '  selector:',
        `    matchLabels: {app: ${name}}`,
        '  template:',
        '    metadata:',
        `      labels: {app: ${name}}`,
        '    spec:',
        '      containers:',
        `        - {name: ${name}, image: registry.example/${name}:1}`,
        '---',
      ];
      const text = [
        ...deployment('frontend'),
        ...deployment('api'),
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: frontend-egress',
        '  namespace: checkout',
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        '      app: frontend',
        '  policyTypes: [Egress]',
        '  egress:',
        '    - to:',
        '        - podSelector:',
        '            matchLabels:',
        '              app: api',
        '      ports:',
        '        - protocol: TCP',
        '          port: 8080',
        '',
      ].join('\n');
      // the generic JSON lines of docs/flows.md: the API port is allowed, the metrics port is not
      const records = [
        { source: 'checkout/frontend', destination: 'checkout/api', protocol: 'TCP', port: 8080, count: 900, first_seen: '2026-12-01T10:00:00Z', last_seen: '2026-12-01T11:00:00Z' },
        { source: 'checkout/frontend', destination: 'checkout/api', protocol: 'TCP', port: 9090, count: 40, verdict: 'forwarded' },
      ];
      const observedFlows = (ds: readonly vscode.Diagnostic[]) => ds.filter((d) => String(diagnosticCode(d)).startsWith('observed-flow-'));
      try {
        await vscode.workspace.fs.writeFile(manifests, new TextEncoder().encode(text));
        await vscode.workspace.fs.writeFile(flows, new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
        const document = await openInEditor(manifests);
        const nameLine = 33;
        assert.equal(document.lineAt(nameLine).text, '  name: frontend-egress');
        // without flows the rule says nothing (the workload guardrails may speak about the file)
        await waitForDiagnostics(manifests, SOURCE, (ds) => ds.length > 0, 'the guardrails of the checkout manifests');
        assert.deepEqual(observedFlows(ourDiagnostics(manifests, SOURCE)), [], 'no observed-flow finding before the flows are loaded');

        const loaded = await withDeadline(Promise.resolve(vscode.commands.executeCommand<readonly string[] | undefined>('netpolGuardrails.loadFlows', { files: [flows] })), 30_000, 'Load Observed Flows');
        assert.deepEqual(loaded, ['flows/checkout.jsonl'], 'the path is stored relative to the folder');
        assert.deepEqual(configuration().inspect<string[]>('flows')?.workspaceValue, ['flows/checkout.jsonl']);

        const found = await waitForDiagnostics(manifests, SOURCE, hasCode('observed-flow-blocked'), 'observed-flow-blocked on frontend-egress');
        const [blocked, ...others] = observedFlows(found);
        assert.ok(blocked);
        assert.equal(others.length, 0, `one observed-flow finding, got ${describeDiagnostics(found)}`);
        assert.equal(blocked.severity, vscode.DiagnosticSeverity.Error);
        // on the metadata.name of the policy isolating the frontend's egress
        assert.equal(blocked.range.start.line, nameLine, describeDiagnostics(found));
        assert.equal(document.getText(blocked.range), 'frontend-egress');
        assert.match(blocked.message, /^1 observed flow \(40 observations\) from checkout\/frontend would be blocked: checkout\/frontend is isolated for egress by checkout\/frontend-egress/);
        assert.match(blocked.message, /checkout\/frontend -> checkout\/api TCP 9090 \(40 observations, e\.g\. flows\/checkout\.jsonl:2; egress allows checkout\/api only TCP 8080\)/);

        // an unsaved edit that moves the allowed port: the impact names the API traffic it cuts off
        const portLine = document.lineAt(document.lineCount - 2);
        assert.equal(portLine.text, '          port: 8080');
        const edit = new vscode.WorkspaceEdit();
        edit.replace(manifests, new vscode.Range(portLine.lineNumber, portLine.text.length - 4, portLine.lineNumber, portLine.text.length), '8081');
        assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
        assert.ok(document.isDirty, 'the edit is unsaved');
        // while typing, the finding follows the edit: both observed flows are blocked now
        await waitForDiagnostics(
          manifests,
          SOURCE,
          (ds) => ds.some((d) => diagnosticCode(d) === 'observed-flow-blocked' && d.message.startsWith('2 observed flows (940 observations) from checkout/frontend')),
          'observed-flow-blocked for both flows after the edit',
        );
        const answer = await withDeadline(
          Promise.resolve(vscode.commands.executeCommand<{ uri: vscode.Uri; result: ShowImpactResult } | undefined>('netpolGuardrails.showImpact', { uri: manifests })),
          30_000,
          'the impact of the edit',
        );
        const result = answer?.result;
        assert.ok(result && !result.error, result?.error ?? 'an impact');
        assert.equal(result.base, 'saved');
        assert.deepEqual(result.observedFlows, {
          cutOff: 1,
          cutOffObservations: 900,
          newlyAllowed: 0,
          newlyAllowedObservations: 0,
          topCutOff: ['checkout/frontend -> checkout/api TCP 8080: 900 observations (flows/checkout.jsonl:1)'],
          topNewlyAllowed: [],
        });
        const view = vscode.workspace.textDocuments.find((d) => d.uri.toString() === answer.uri.toString());
        assert.ok(view, 'the impact view is open');
        assert.match(view.getText(), /## Observed flows\n\nThe change cuts off 1 observed flow\(s\) \(900 observations\) and newly allows 0/);
        assert.ok(view.getText().includes('checkout/frontend -> checkout/api TCP 8080: 900 observations (flows/checkout.jsonl:1)'), view.getText());
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
        assert.ok(!document.isDirty, 'reverted');
      } finally {
        await configuration().update('flows', undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
      // unloaded: the finding goes (the file still exists, so its diagnostics are current)
      assert.equal(configuration().inspect<string[]>('flows')?.workspaceValue, undefined);
      await openInEditor(manifests);
      await waitForDiagnostics(manifests, SOURCE, (ds) => ds.length > 0 && observedFlows(ds).length === 0, 'no observed-flow finding once the setting is cleared');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(manifests);
      await vscode.workspace.fs.delete(flows);
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
    name: 'Show Drift Against the Cluster while not connected says so and offers to connect (no view opens)',
    async run() {
      const view = await waitForStatusItem(extensionApi(), (v) => v.status?.state === 'disconnected', 'disconnected');
      assert.equal(view.status?.state, 'disconnected');
      const answer = await withDeadline(
        Promise.resolve(vscode.commands.executeCommand<{ uri: vscode.Uri | undefined; result: ShowDriftResult } | undefined>('netpolGuardrails.showDrift')),
        30_000,
        'the drift answer',
      );
      assert.ok(answer, 'the command answers');
      assert.equal(answer.uri, undefined, 'no drift view without a connection');
      assert.equal(answer.result.state, 'disconnected');
      assert.equal(answer.result.drift, false);
      // the client shows this with a "Connect…" button (a notification: the command does not wait on it)
      assert.equal(answer.result.canConnect, true);
      assert.match(answer.result.error ?? '', /^Not connected to a cluster.*: connect to one \(Network Policy Guardrails: Select Cluster Context\) to compare the repository with it\.$/);
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'netpol-guardrails-drift'), 'no drift document is open');
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  },
  {
    name: 'Show Drift Against the Cluster (admin context): a changed policy with its field path, one missing on each side, the connection only the cluster allows, links to the workspace file',
    timeoutMs: 120_000,
    async run() {
      const cluster = e2eCluster();
      const api = adminApi(cluster);
      const namespace = 'e2e-drift';
      const policies = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`;
      const pods = `/api/v1/namespaces/${namespace}/pods`;
      const uri = workspaceFile('policies/drift.yaml');
      const created: string[] = [];
      /** POSTs `body` to `path`; the object is deleted at the end (last created first) */
      const create = async (path: string, name: string, body: unknown): Promise<void> => {
        const response = await api.admin('POST', path, body);
        assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
        created.push(`${path}/${name}`);
      };
      const policy = (name: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
      try {
        // the cluster: two bare pods; api-from-web with a port added by hand; a policy the repository does not have
        await create('/api/v1/namespaces', namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
        for (const app of ['web', 'api']) {
          await create(pods, app, { apiVersion: 'v1', kind: 'Pod', metadata: { name: app, labels: { app } }, spec: { containers: [{ name: app, image: `registry.example/${app}:1` }] } });
        }
        await create(policies, 'api-from-web', policy('api-from-web', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }, { port: 8443 }] }] }));
        await create(policies, 'legacy-allow-all', policy('legacy-allow-all', { podSelector: { matchLabels: { app: 'legacy' } }, ingress: [{}] }));

        // the repository: api-from-web on 8080 only, and db-deny, never applied
        const text = [
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          '  name: api-from-web',
          `  namespace: ${namespace}`,
          'spec:',
          '  podSelector:',
          '    matchLabels:',
          '      app: api',
          '  ingress:',
          '    - from:',
          '        - podSelector:',
          '            matchLabels:',
          '              app: web',
          '      ports:',
          '        - port: 8080',
          '---',
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          '  name: db-deny',
          `  namespace: ${namespace}`,
          'spec:',
          '  podSelector:',
          '    matchLabels:',
          '      app: db',
          '  policyTypes: [Ingress]',
          '',
        ].join('\n');
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
        const document = await openInEditor(uri);

        const listed = async (path: string): Promise<number> => listItems((await api.admin('GET', path)).body).length;
        const [podCount, policyCount] = [await listed('/api/v1/pods'), await listed('/apis/networking.k8s.io/v1/networkpolicies')];
        await pickCluster(cluster.adminContext);
        await waitForStatusItem(
          extensionApi(),
          (v) =>
            v.status?.state === 'connected' &&
            v.status.context === cluster.adminContext &&
            v.status.counts.pods === podCount &&
            v.status.counts.policies === policyCount &&
            (['Namespace', 'Pod', 'NetworkPolicy'] as const).every((kind) => v.status?.syncedKinds.includes(kind)),
          `connected to ${cluster.adminContext} with ${podCount} pods and ${policyCount} policies in the cache`,
        );

        const answer = await withDeadline(
          Promise.resolve(vscode.commands.executeCommand<{ uri: vscode.Uri | undefined; result: ShowDriftResult } | undefined>('netpolGuardrails.showDrift', { folderUri: vscode.workspace.getWorkspaceFolder(uri)?.uri })),
          30_000,
          'the drift view',
        );
        assert.ok(answer?.uri, answer?.result.error ?? 'a drift view');
        const { result } = answer;
        assert.equal(result.error, undefined);
        assert.equal(result.context, cluster.adminContext);
        assert.equal(result.state, 'connected');
        assert.equal(result.drift, true);
        const view = vscode.workspace.textDocuments.find((d) => d.uri.toString() === answer.uri?.toString());
        assert.ok(view, 'the drift view is open');
        const shown = view.getText();
        assert.equal(shown, result.text);

        // the view's sections, with their counts (the other namespaces of the workspace appear in them too: only this namespace is pinned)
        const sectionOf = (title: string): string[] => {
          const match = new RegExp(`^## ${title.replace(/[()]/g, '\\$&')} \\((\\d+)\\)\\n\\n((?:.+\\n)*)`, 'm').exec(shown);
          assert.ok(match, `the section "${title}" in:\n${shown}`);
          const lines = match[2]!.trimEnd().split('\n');
          const entries = lines[0] === 'Nothing.' ? [] : lines.filter((l) => l.startsWith('- '));
          assert.equal(entries.length, Number(match[1]), `the count of "${title}" is its entries`);
          return lines;
        };
        assert.match(shown, new RegExp(`^# Drift against the cluster: ${cluster.adminContext}$`, 'm'));
        assert.match(shown, /in the namespaces the folder has policies for: .*`e2e-drift`/);
        const ours = (lines: readonly string[]) => lines.filter((l) => l.includes(namespace));
        const missingInCluster = sectionOf('In the repository, missing in the cluster');
        assert.deepEqual(ours(missingInCluster), ['- `e2e-drift/db-deny` (policies/drift.yaml:21)']);
        assert.equal(result.counts.missingInCluster, missingInCluster.filter((l) => l.startsWith('- ')).length);
        assert.deepEqual(sectionOf('In the cluster, not in the repository'), ['- `e2e-drift/legacy-allow-all`']);
        assert.equal(result.counts.missingInRepository, 1);
        assert.deepEqual(sectionOf('Changed'), ['- `e2e-drift/api-from-web` (policies/drift.yaml:4)', '  - `spec.ingress[0].ports`: repository: TCP 8080; cluster: TCP 8080, TCP 8443']);
        assert.equal(result.counts.changed, 1);
        assert.equal(result.counts.unchanged, 0);
        // between this namespace's pods (pods other scenarios leave in the cluster may add pairs that reach other namespaces)
        const within = (lines: readonly string[]) => lines.filter((l) => l.startsWith(`- ${namespace}/`) && l.includes(` -> ${namespace}/`));
        assert.deepEqual(within(sectionOf('Connections the cluster allows and the repository would not')), ['- e2e-drift/web -> e2e-drift/api: TCP 8443']);
        assert.deepEqual(within(sectionOf('Connections the repository allows and the cluster does not')), []);

        // the file:line labels link to the policies in the workspace file
        const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', answer.uri);
        const targets = links
          .filter((l) => l.target?.path === uri.path)
          .map((l) => `${view.getText(l.range)} -> ${l.target?.fragment ?? ''}`)
          .sort();
        // each to the policy's name (line and column, 1-based)
        assert.deepEqual(targets, ['policies/drift.yaml:21 -> L21,9', 'policies/drift.yaml:4 -> L4,9'], JSON.stringify(links.map((l) => l.target?.toString())));
        assert.equal(document.lineAt(3).text, '  name: api-from-web');
        assert.equal(document.lineAt(20).text, '  name: db-deny');
      } finally {
        const disconnected = await pickCluster('Disconnect');
        for (const path of created.reverse()) await api.admin('DELETE', path);
        api.close();
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
        assert.equal(disconnected?.state, 'disconnected');
      }
      await waitForStatusItem(extensionApi(), (v) => v.status?.state === 'disconnected', 'disconnected after the drift scenario');
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
