import type { GuardrailConfig } from '../config/config';
import type { Inventory, NetworkPolicyInfo, Workload } from '../inventory/model';
import type { KnownClient } from './knownClients';
import { emitDocument, policyEntries, uniqueName, type PolicyDocument } from './policyText';
import { insertAt, type TextEdit } from './textEdit';
import { eolOf, sequenceIndent, type ObjectText } from './yamlText';

/** What an authoring computation sees: one file's current text and the workspace around it. */
export interface AuthoringContext {
  /** the file's key in the inventory (a URI in the server, a path in the CLI) */
  readonly file: string;
  readonly text: string;
  readonly inventory: Inventory;
  readonly config: GuardrailConfig;
  /**
   * `namespace/name` of policies that edits computed together (fix all) already create, so two
   * generated policies never share a name
   */
  readonly reservedNames?: Set<string>;
  /**
   * clients of a workload known from elsewhere than the manifests (observed flows), added to the
   * peers of "Create a NetworkPolicy for this workload" after those the manifests show
   */
  readonly extraClients?: (workload: Workload) => readonly KnownClient[];
}

export type ActionKind = 'quickfix' | 'source' | 'refactor';

/** A code action as plain data: edits to the context's file. */
export interface AuthoringAction {
  readonly title: string;
  readonly kind: ActionKind;
  /** a stable id of what the action does (LSP: the kind's last segment) */
  readonly id: string;
  readonly edits: readonly TextEdit[];
  readonly isPreferred?: boolean;
  /** the rule whose finding this fixes */
  readonly ruleId?: string;
  /**
   * set when the same fix can be applied to every finding of its rule in a file at once; actions
   * with the same dedupeKey make the same change (one DNS policy per namespace)
   */
  readonly fixAll?: { readonly dedupeKey: string };
  /**
   * set when the action only appends this NetworkPolicy document to the file: an adapter may write
   * it to a new file beside the current one instead (the templateTarget setting)
   */
  readonly newPolicy?: NewPolicy;
}

/** A generated policy document on its own: no `---` before it, in the file's line ends and indentation. */
export interface NewPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly text: string;
}

export function styleOf(text: string): { eol: string; seqIndent: string } {
  return { eol: eolOf(text), seqIndent: sequenceIndent(text) };
}

const POLICY_NAME = /^metadata:[ \t]*\r?\n(?:[ \t]+.*\r?\n|[ \t]*\r?\n)*?[ \t]+name:[ \t]*["']?([^"'\s#]+)/m;
const POLICY_NAMESPACE = /^[ \t]+namespace:[ \t]*["']?([^"'\s#]+)/m;

/**
 * Names of the policies in a namespace: the inventory's, those of this file's text (a policy the
 * API would reject is no inventory entry, yet holds its name), and those reserved.
 */
function takenNames(ctx: AuthoringContext, namespace: string): Set<string> {
  const taken = new Set<string>();
  for (const policy of ctx.inventory.policiesByNamespace.get(namespace) ?? []) taken.add(policy.name);
  if (ctx.text.includes('NetworkPolicy')) {
    for (const document of ctx.text.split(/^---[ \t]*$/m)) {
      if (!/^kind:[ \t]*["']?NetworkPolicy/m.test(document)) continue;
      const name = POLICY_NAME.exec(document)?.[1];
      const ns = POLICY_NAMESPACE.exec(document)?.[1] ?? ctx.config.defaultNamespace;
      if (name && ns === namespace) taken.add(name);
    }
  }
  for (const reserved of ctx.reservedNames ?? []) {
    const [ns, name] = reserved.split('/');
    if (ns === namespace && name) taken.add(name);
  }
  return taken;
}

/** A new NetworkPolicy document appended to the file, named uniquely in its namespace. */
export function appendPolicy(ctx: AuthoringContext, baseName: string, make: (name: string) => PolicyDocument): { edit: TextEdit; name: string; newPolicy: NewPolicy } {
  const name = uniqueName(baseName, takenNames(ctx, make('x').namespace));
  const policy = make(name);
  ctx.reservedNames?.add(`${policy.namespace}/${name}`);
  const style = styleOf(ctx.text);
  const text = ctx.text;
  const empty = text.trim() === '';
  const lead = empty ? '' : `${text.endsWith('\n') ? '' : style.eol}---${style.eol}`;
  const document = emitDocument(policyEntries(policy), style);
  return { edit: insertAt(text.length, `${lead}${document}`), name, newPolicy: { name, namespace: policy.namespace, text: document } };
}

export function stringAt(object: ObjectText, path: readonly string[]): string | undefined {
  const value: unknown = object.map.getIn(path);
  return typeof value === 'string' ? value : undefined;
}

/** The namespace an object is about: a Namespace's own name, else its metadata.namespace. */
export function namespaceOfObject(object: ObjectText, defaultNamespace: string): string {
  if (stringAt(object, ['kind']) === 'Namespace') return stringAt(object, ['metadata', 'name']) ?? defaultNamespace;
  return stringAt(object, ['metadata', 'namespace']) ?? defaultNamespace;
}

function inObject<T extends { readonly source: { readonly file: string; readonly range: { readonly start: number } } }>(ctx: AuthoringContext, object: ObjectText, list: readonly T[]): T | undefined {
  const range = object.map.range;
  if (!range) return undefined;
  const start = object.base + range[0];
  const end = object.base + range[2];
  return list.find((item) => item.source.file === ctx.file && item.source.range.start >= start && item.source.range.start <= end);
}

export function workloadOf(ctx: AuthoringContext, object: ObjectText): Workload | undefined {
  const namespace = namespaceOfObject(object, ctx.config.defaultNamespace);
  return inObject(ctx, object, ctx.inventory.workloadsByNamespace.get(namespace) ?? []);
}

export function policyOf(ctx: AuthoringContext, object: ObjectText): NetworkPolicyInfo | undefined {
  const namespace = namespaceOfObject(object, ctx.config.defaultNamespace);
  return inObject(ctx, object, ctx.inventory.policiesByNamespace.get(namespace) ?? []);
}
