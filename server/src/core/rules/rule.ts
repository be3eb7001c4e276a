import type { CancellationToken, Finding, RelatedInformation, Severity } from '../model/finding';
import type { ObservedFlows } from '../flows/check';
import type { GuardrailConfig } from '../config/config';
import type { Inventory, NetworkPolicyInfo, SourceRef, Workload } from '../inventory/model';
import type { LabelSelector, Labels } from '../selectors/labelSelector';
import type { PathSegment } from '../parse/manifest';
import { lazySource } from '../inventory/buildInventory';

/** A finding placed in a file of the workspace. */
export interface WorkspaceFinding {
  readonly file: string;
  readonly finding: Finding;
  /** the namespace the finding is about */
  readonly namespace: string;
}

export interface RuleContext {
  readonly inventory: Inventory;
  readonly config: GuardrailConfig;
  /** the rule's options from the configuration, merged over its defaults */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * When set, only findings about subjects (policies, workloads, namespaces) in these namespaces
   * are kept, so a rule may skip the others: an edit re-checks only the namespaces it touches.
   * Whatever the scope, a rule reads the whole inventory; findings about a subject in namespace N
   * may depend on the policies of N only, and on any workload and namespace (peers reach across
   * namespaces). WorkspaceAnalysis relies on that; test/core/incremental.test.ts checks it.
   */
  readonly scope?: ReadonlySet<string> | undefined;
  /** traffic observed in the cluster, when flows are loaded (the observed-flow rules read it) */
  readonly flows?: ObservedFlows | undefined;
  readonly token?: CancellationToken | undefined;
}

/** The subjects of a list in the context's scope (all of them without a scope). */
export function inScope<T extends { readonly namespace: string }>(scope: ReadonlySet<string> | undefined, items: readonly T[]): readonly T[] {
  return scope ? items.filter((item) => scope.has(item.namespace)) : items;
}

/** A guardrail: a stable id, a default severity, documentation, and a check over the inventory. */
export interface GuardrailRule {
  readonly id: string;
  readonly severity: Severity;
  /** one line for rule lists and SARIF */
  readonly description: string;
  /** default values of its options (documented in docs/rules/<id>.md) */
  readonly defaultOptions: Readonly<Record<string, unknown>>;
  /**
   * The rule reads observed flows (RuleContext.flows) and says nothing without them. Its findings
   * about a namespace depend on the policies of other namespaces too (a flow's two ends), so it
   * is always run over the whole workspace, never for a scope.
   */
  readonly requiresFlows?: true;
  check(context: RuleContext, report: Reporter): void;
}

/** What a finding is about, for exemptions by namespace or pod labels. */
export interface Subject {
  readonly namespace: string;
  /** the pods concerned (a workload's), when the finding is about pods */
  readonly podLabels?: Labels;
  /** the pods concerned as a selector (a policy's spec.podSelector), when the finding is about a policy */
  readonly podSelector?: LabelSelector;
}

export interface Reporter {
  /** a finding about a policy, placed at `at` */
  policy(policy: NetworkPolicyInfo, at: SourceRef, message: string, related?: readonly RelatedInformation[]): void;
  /** a finding about a workload, placed on its metadata.name */
  workload(workload: Workload, message: string, related?: readonly RelatedInformation[]): void;
  /** a finding about a namespace, placed at `at` */
  namespace(namespace: string, at: SourceRef, message: string): void;
}

/** The absolute range of a node inside a policy (computed when a finding reads it). */
export function policyRange(policy: NetworkPolicyInfo, path: readonly PathSegment[], target: 'key' | 'value' = 'key'): SourceRef {
  return lazySource(policy.source.file, policy.object, path, target);
}

export function related(source: SourceRef, message: string): RelatedInformation {
  return { message, range: source.range, file: source.file };
}

export function policyName(policy: NetworkPolicyInfo): string {
  return `${policy.namespace}/${policy.name}`;
}
