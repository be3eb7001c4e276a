import type { PathSegment } from '../parse/manifest';
import type { RuleKey } from '../model/ruleCatalog';

/**
 * A validation error before it is placed in the text: the API's own field path and wording,
 * where to point in the YAML, and a sentence for the user.
 */
export interface ValidationIssue {
  readonly rule: RuleKey;
  /** the API field path (e.g. spec.podSelector.matchLabels: the API does not name the key) */
  readonly fieldPath: string;
  /** the node to underline, which may be more precise than the field path */
  readonly at: readonly PathSegment[];
  readonly target: 'key' | 'value';
  readonly apiMessage: string;
  readonly message: string;
}

export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out.length === 0 ? segment : `.${segment}`;
  }
  return out;
}

/** Go's %#v-ish rendering in field.Error: strings quoted, numbers bare. */
export function apiValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'null';
}
