import { formatRequirement as formatSelectorRequirement, isUsableSelector, type LabelSelector, type Labels } from '../selectors/labelSelector';

/**
 * A selector as a list of requirements, judged one by one, so a hover can say which requirement an
 * object fails. The semantics are labelSelector.ts's (apimachinery LabelSelectorAsSelector and
 * Requirement.Matches): matchLabels `k: v` is the requirement `k = v`, ANDed with every
 * matchExpression. A selector the API would reject selects nothing and has no near misses.
 */

export type RequirementOperator = 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly operator: RequirementOperator;
  readonly values: readonly string[];
}

export function requirementsOf(selector: LabelSelector): Requirement[] {
  const out: Requirement[] = Object.entries(selector.matchLabels).map(([key, value]) => ({ key, operator: 'Equals', values: [value] }));
  for (const r of selector.matchExpressions) out.push({ key: r.key, operator: r.operator as RequirementOperator, values: r.values });
  return out;
}

export function requirementHolds(req: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'Equals':
    case 'In':
      return has && req.values.includes(value ?? '');
    case 'NotIn':
      return !has || !req.values.includes(value ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** A requirement only objects carrying its key can meet (so an index by label finds them all). */
export function isPositive(req: Requirement): boolean {
  return req.operator === 'Equals' || req.operator === 'In' || req.operator === 'Exists';
}

/** `tier=api`, `tier in (api,db)`, `tier notin (db)`, `tier`, `!tier`: kubectl's syntax. */
export function formatRequirement(req: Requirement): string {
  return req.operator === 'Equals' ? `${req.key}=${req.values[0] ?? ''}` : formatSelectorRequirement(req);
}

/** How the selector judges one object's labels. */
export type Verdict =
  | { readonly kind: 'match' }
  /** fails exactly `failed`, and meets the others */
  | { readonly kind: 'near'; readonly failed: Requirement }
  | { readonly kind: 'miss' };

/**
 * `match` when every requirement holds; `near` when all but one do and the object is plausibly
 * meant: it meets at least one positive requirement (it carries a key the selector asks for), or
 * the requirement it fails is about a key it carries (a wrong value: `app=frontend-v2` for
 * `app=frontend`). Without that condition, every object would be a near miss of a one-label
 * selector.
 */
export function judge(requirements: readonly Requirement[], labels: Labels): Verdict {
  let failed: Requirement | undefined;
  let positiveHeld = false;
  for (const req of requirements) {
    if (requirementHolds(req, labels)) {
      if (isPositive(req)) positiveHeld = true;
      continue;
    }
    if (failed) return { kind: 'miss' };
    failed = req;
  }
  if (!failed) return { kind: 'match' };
  const carriesKey = Object.prototype.hasOwnProperty.call(labels, failed.key);
  return positiveHeld || carriesKey ? { kind: 'near', failed } : { kind: 'miss' };
}

/** The object's labels that the selector's requirements name (what "matched" shows), as `k=v`. */
export function labelsNamed(requirements: readonly Requirement[], labels: Labels, except?: Requirement): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const req of requirements) {
    if (req === except || seen.has(req.key)) continue;
    seen.add(req.key);
    const value = labels[req.key];
    if (value !== undefined) out.push(`${req.key}=${value}`);
  }
  return out;
}

/**
 * Why an object fails one requirement, in the words of a hover: `tier=web, not tier=api`,
 * `no tier label, not tier in (api,db)`, `tier=db, excluded by tier notin (db)`,
 * `no tier label, required by tier (Exists)`, `tier=web, excluded by !tier (DoesNotExist)`.
 */
export function describeFailure(req: Requirement, labels: Labels): string {
  const value = labels[req.key];
  const has = value === undefined ? `no ${req.key} label` : `${req.key}=${value}`;
  switch (req.operator) {
    case 'Equals':
    case 'In':
      return `${has}, not ${formatRequirement(req)}`;
    case 'NotIn':
      return `${has}, excluded by ${formatRequirement(req)}`;
    case 'Exists':
      return `${has}, required by ${req.key} (Exists)`;
    case 'DoesNotExist':
      return `${has}, excluded by !${req.key} (DoesNotExist)`;
  }
}

/** A near miss in one line: `app=frontend but tier=web, not tier=api`. */
export function nearMissText(requirements: readonly Requirement[], labels: Labels, failed: Requirement): string {
  const met = labelsNamed(requirements, labels, failed).filter((l) => !l.startsWith(`${failed.key}=`));
  const why = describeFailure(failed, labels);
  return met.length === 0 ? why : `${met.join(', ')} but ${why}`;
}

export function usable(selector: LabelSelector): boolean {
  return isUsableSelector(selector);
}
