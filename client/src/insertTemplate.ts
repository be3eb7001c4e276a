import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { cidrInputProblem, labelInputProblem, namespaceInputProblem, parsePortList, splitList } from '../../server/src/core/authoring/inputChecks';
import {
  INSERT_TEMPLATE_COMMAND,
  TemplateChoicesRequest,
  TemplateEditRequest,
  type InsertTemplateArgs,
  type TemplateChoicesResult,
  type TemplateEditResult,
  type TemplateId,
  type TemplateInput,
} from '../../server/src/protocol';

const TEMPLATES: readonly { readonly id: TemplateId; readonly label: string }[] = [
  { id: 'allowFromNamespace', label: 'Allow ingress from a namespace' },
  { id: 'allowFromPods', label: 'Allow ingress from pods with labels' },
  { id: 'allowEgressToWorkload', label: 'Allow egress to a workload' },
  { id: 'allowEgressToCidr', label: 'Allow egress to a CIDR (with excepts)' },
];

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

interface PickItem<T> extends vscode.QuickPickItem {
  readonly value?: T;
  /** the "type another" entry */
  readonly other?: boolean;
}

async function pick<T>(items: PickItem<T>[], placeHolder: string, title: string): Promise<PickItem<T> | undefined> {
  return vscode.window.showQuickPick(items, { placeHolder, title, matchOnDescription: true, ignoreFocusOut: true });
}

/** `app=web, tier=front` as labels, or why not. */
function parseLabels(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) return `"${part}": write key=value`;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const problem = labelInputProblem(key, value);
    if (problem) return problem;
    labels[key] = value;
  }
  return Object.keys(labels).length === 0 ? 'give at least one key=value' : labels;
}

async function askNamespace(choices: TemplateChoicesResult, title: string, own?: string): Promise<string | undefined> {
  const items: PickItem<string>[] = [
    ...(own ? [{ label: own, description: 'the same namespace', value: own }] : []),
    ...choices.namespaces.map((n) => ({
      label: n.name,
      description: [plural(n.workloads, 'workload'), ...(n.clients > 0 ? [`${n.clients} egress polic${n.clients === 1 ? 'y' : 'ies'} toward it`] : [])].join(', '),
      value: n.name,
    })),
    { label: 'Another namespace…', other: true },
  ];
  const chosen = await pick(items, 'The namespace the traffic comes from', title);
  if (!chosen) return undefined;
  if (!chosen.other) return chosen.value;
  return vscode.window.showInputBox({ title, prompt: 'Namespace name', ignoreFocusOut: true, validateInput: (v) => namespaceInputProblem(v.trim()) });
}

/** Asks for a template's input with pickers filled from the server; undefined when cancelled. */
async function askInput(client: LanguageClient, args: InsertTemplateArgs, title: string): Promise<TemplateInput | undefined> {
  const choices = await client.sendRequest(TemplateChoicesRequest.type, { uri: args.uri, position: args.position, template: args.template });
  if (choices.problem) {
    void vscode.window.showWarningMessage(choices.problem);
    return undefined;
  }
  switch (args.template) {
    case 'allowFromNamespace': {
      const namespace = await askNamespace(choices, title);
      return namespace === undefined ? undefined : { template: 'allowFromNamespace', namespace: namespace.trim() };
    }
    case 'allowFromPods': {
      const own = choices.targetNamespace ?? 'default';
      const namespace = await askNamespace(choices, title, own);
      if (namespace === undefined) return undefined;
      const labels = namespace === own ? choices : await client.sendRequest(TemplateChoicesRequest.type, { uri: args.uri, position: args.position, template: args.template, namespace });
      const keyItems: PickItem<string>[] = [
        ...labels.labels.map((l) => ({ label: l.key, description: plural(l.values.reduce((n, v) => n + v.workloads, 0), 'workload'), value: l.key })),
        { label: 'Type labels (key=value, …)…', other: true },
      ];
      const key = await pick(keyItems, `A label of the pods in ${namespace}`, title);
      if (!key) return undefined;
      if (key.other || key.value === undefined) {
        const typed = await vscode.window.showInputBox({ title, prompt: 'Labels the pods carry, e.g. app=web, tier=front', ignoreFocusOut: true, validateInput: (v) => { const r = parseLabels(v); return typeof r === 'string' ? r : undefined; } });
        if (typed === undefined) return undefined;
        const parsed = parseLabels(typed);
        return typeof parsed === 'string' ? undefined : { template: 'allowFromPods', labels: parsed, ...(namespace === own ? {} : { namespace }) };
      }
      const keyName = key.value;
      const values = labels.labels.find((l) => l.key === keyName)?.values ?? [];
      const value = await pick<string>(
        [...values.map((v) => ({ label: v.value, description: plural(v.workloads, 'workload'), value: v.value })), { label: 'Another value…', other: true }],
        `${keyName}=`,
        title,
      );
      if (!value) return undefined;
      const chosenValue = value.other ? await vscode.window.showInputBox({ title, prompt: `Value of ${keyName}`, ignoreFocusOut: true, validateInput: (v) => labelInputProblem(keyName, v.trim()) }) : value.value;
      if (chosenValue === undefined) return undefined;
      return { template: 'allowFromPods', labels: { [keyName]: chosenValue.trim() }, ...(namespace === own ? {} : { namespace }) };
    }
    case 'allowEgressToWorkload': {
      const chosen = await pick(
        choices.workloads.map((w) => ({ label: `${w.namespace}/${w.name}`, description: `${w.kind}${w.ports ? ` · ${w.ports}` : ''}`, value: w })),
        'The workload the traffic goes to',
        title,
      );
      return chosen?.value ? { template: 'allowEgressToWorkload', namespace: chosen.value.namespace, name: chosen.value.name, kind: chosen.value.kind } : undefined;
    }
    case 'allowEgressToCidr': {
      const cidr = await vscode.window.showInputBox({ title, prompt: 'CIDR the traffic goes to', placeHolder: '10.0.0.0/8', ignoreFocusOut: true, validateInput: (v) => cidrInputProblem(v.trim()) });
      if (cidr === undefined) return undefined;
      const except = await vscode.window.showInputBox({
        title,
        prompt: `Blocks inside ${cidr.trim()} to leave out (comma separated; empty for none)`,
        placeHolder: '10.0.1.0/24, 10.0.2.0/24',
        ignoreFocusOut: true,
        validateInput: (v) => cidrInputProblem(cidr.trim(), splitList(v)),
      });
      if (except === undefined) return undefined;
      const ports = await vscode.window.showInputBox({
        title,
        prompt: 'Ports (empty for every port)',
        placeHolder: 'TCP 443, UDP 53, TCP 8000-8100',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const parsed = parsePortList(v);
          return typeof parsed === 'string' ? parsed : undefined;
        },
      });
      if (ports === undefined) return undefined;
      return { template: 'allowEgressToCidr', cidr: cidr.trim(), except: splitList(except), ...(ports.trim() !== '' ? { ports: ports.trim() } : {}) };
    }
  }
}

/** The command's arguments from the active editor, asking which template (the command palette). */
async function fromActiveEditor(): Promise<InsertTemplateArgs | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const chosen = await pick(
    TEMPLATES.map((t) => ({ label: t.label, value: t.id })),
    'Put the cursor in a NetworkPolicy (adds a rule) or a workload (adds a policy for it)',
    'Insert a NetworkPolicy template',
  );
  if (!chosen?.value) return undefined;
  return { uri: editor.document.uri.toString(), position: { line: editor.selection.active.line, character: editor.selection.active.character }, template: chosen.value };
}

/**
 * netpolGuardrails.insertTemplate: the code actions whose template needs input run it with the
 * document, position and template; it asks for the input (unless given), gets the exact edit from
 * the server and applies it. Returns the server's answer and whether the edit was applied (tests).
 */
export function registerInsertTemplate(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(INSERT_TEMPLATE_COMMAND, async (given?: InsertTemplateArgs): Promise<(TemplateEditResult & { applied: boolean }) | undefined> => {
      const args = given ?? (await fromActiveEditor());
      if (!args) return undefined;
      const title = TEMPLATES.find((t) => t.id === args.template)?.label ?? 'Insert a template';
      const input = args.input ?? (await askInput(client, args, title));
      if (!input) return undefined;
      const result = await client.sendRequest(TemplateEditRequest.type, { uri: args.uri, position: args.position, input });
      if (!result.edit) {
        void vscode.window.showWarningMessage(result.problem ?? 'The template made no edit.');
        return { ...result, applied: false };
      }
      const applied = await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(result.edit));
      return { ...result, applied };
    }),
  );
}
