import type { Finding, RelatedInformation, Severity } from '../model/finding';
import type { Inventory, NetworkPolicyInfo, SourceRef } from '../inventory/model';
import { rangeForPath, type PathSegment } from '../parse/manifest';

/** A finding placed in a file of the workspace. */
export interface WorkspaceFinding {
  readonly file: string;
  readonly finding: Finding;
}

export interface RuleContext {
  readonly inventory: Inventory;
  /** the rule's options from the configuration, merged over its defaults */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A guardrail: a stable id, a default severity, documentation, and a check over the inventory. */
export interface GuardrailRule {
  readonly id: string;
  readonly severity: Severity;
  /** one line for rule lists and SARIF */
  readonly description: string;
  /** default values of its options (documented in docs/rules/<id>.md) */
  readonly defaultOptions: Readonly<Record<string, unknown>>;
  check(context: RuleContext, report: Reporter): void;
}

export interface Reporter {
  report(source: SourceRef, message: string, related?: readonly RelatedInformation[]): void;
}

/** The absolute range of a node inside a policy. */
export function policyRange(policy: NetworkPolicyInfo, path: readonly PathSegment[], target: 'key' | 'value' = 'key'): SourceRef {
  const object = policy.object;
  const range = rangeForPath(object.node, path, target, object.chunkText);
  return { file: policy.source.file, range: { start: range.start + object.baseOffset, end: range.end + object.baseOffset } };
}

export function related(source: SourceRef, message: string): RelatedInformation {
  return { message, range: source.range, file: source.file };
}

export function policyName(policy: NetworkPolicyInfo): string {
  return `${policy.namespace}/${policy.name}`;
}
