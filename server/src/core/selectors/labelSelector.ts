/**
 * Label selector semantics exactly as Kubernetes defines them
 * (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector and
 * pkg/labels/selector.go Requirement.Matches):
 * - an absent (null) selector selects nothing; an empty one ({}) selects everything;
 * - matchLabels and every matchExpression are ANDed;
 * - In: the key is present with one of the values; NotIn: the key is absent or its value is not
 *   one of the values; Exists: the key is present; DoesNotExist: the key is absent;
 * - a selector the API would reject (unknown operator, In without values) selects nothing here, as
 *   LabelSelectorAsSelector returns an error for it.
 */

export type Labels = Readonly<Record<string, string>>;

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

/** A selector from a decoded value: undefined for absent/null (selects nothing) or wrong types. */
export function parseLabelSelector(value: unknown): LabelSelector | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const matchLabels: Record<string, string> = {};
  const labels = raw['matchLabels'];
  if (labels !== null && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
      if (typeof v === 'string') matchLabels[k] = v;
      else if (v === null) matchLabels[k] = '';
    }
  }
  const matchExpressions: SelectorRequirement[] = [];
  const expressions = raw['matchExpressions'];
  if (Array.isArray(expressions)) {
    for (const e of expressions) {
      if (e === null || typeof e !== 'object' || Array.isArray(e)) continue;
      const expr = e as Record<string, unknown>;
      const values = Array.isArray(expr['values']) ? (expr['values'] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
      matchExpressions.push({
        key: typeof expr['key'] === 'string' ? expr['key'] : '',
        operator: typeof expr['operator'] === 'string' ? expr['operator'] : '',
        values,
      });
    }
  }
  return { matchLabels, matchExpressions };
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

function requirementMatches(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(labels[req.key] ?? '');
    case 'NotIn':
      return !has || !req.values.includes(labels[req.key] ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether the selector is one the API server accepts as a selector (else it matches nothing). */
export function isUsableSelector(selector: LabelSelector): boolean {
  return selector.matchExpressions.every((req) => {
    if (req.operator === 'In' || req.operator === 'NotIn') return req.values.length > 0;
    if (req.operator === 'Exists' || req.operator === 'DoesNotExist') return req.values.length === 0;
    return false;
  });
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  if (!isUsableSelector(selector)) return false;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  return selector.matchExpressions.every((req) => requirementMatches(req, labels));
}

/**
 * The labels every object the selector matches is sure to carry: its matchLabels and its `In`
 * requirements with a single value. Selectors elsewhere (a DNS location, an exemption) are
 * compared against these when there is no concrete object to look at.
 */
export function requiredLabels(selector: LabelSelector): Labels {
  const out: Record<string, string> = { ...selector.matchLabels };
  for (const req of selector.matchExpressions) {
    const only = req.values[0];
    if (req.operator === 'In' && req.values.length === 1 && only !== undefined) out[req.key] = only;
  }
  return out;
}

/**
 * Whether every object `inner` matches is also matched by `outer`, as far as can be told without
 * the objects: `outer` must hold on the labels `inner` requires, and must be made of positive
 * requirements only (matchLabels, In, Exists), since a NotIn or DoesNotExist could fail on a label
 * that `inner` leaves open.
 */
export function selectorImplies(inner: LabelSelector, outer: LabelSelector): boolean {
  if (!isUsableSelector(inner) || outer.matchExpressions.some((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist')) return false;
  return selectorMatches(outer, requiredLabels(inner));
}

/** One matchExpressions requirement in kubectl's selector syntax: `tier in (web)`, `!debug`. */
export function formatRequirement(req: SelectorRequirement): string {
  switch (req.operator) {
    case 'In':
      return `${req.key} in (${req.values.join(',')})`;
    case 'NotIn':
      return `${req.key} notin (${req.values.join(',')})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
    default:
      return `${req.key} ${req.operator} (${req.values.join(',')})`;
  }
}

/** `app=frontend, tier in (web)` — kubectl's selector syntax, for messages. */
export function formatSelector(selector: LabelSelector): string {
  const parts = [...Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`), ...selector.matchExpressions.map(formatRequirement)];
  return parts.length === 0 ? '(all)' : parts.join(', ');
}
