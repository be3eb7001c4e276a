import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatSelector,
  isEmptySelector,
  parseLabelSelector,
  requiredLabels,
  selectorImplies,
  selectorMatches,
  type Labels,
} from '../../server/src/core/selectors/labelSelector';

/**
 * The selector semantics of k8s.io/apimachinery v0.34.2: pkg/apis/meta/v1/helpers.go
 * LabelSelectorAsSelector (nil selects nothing, {} everything, requirements ANDed) and
 * pkg/labels/selector.go Requirement.Matches (In needs the key, NotIn holds without it).
 */

const web: Labels = { app: 'web', tier: 'frontend' };
const worker: Labels = { app: 'worker', canary: 'true' };
const bare: Labels = {};

interface Row {
  readonly name: string;
  readonly selector: unknown;
  /** whether it matches web, worker, bare */
  readonly matches: readonly [boolean, boolean, boolean];
}

const TABLE: readonly Row[] = [
  { name: 'absent (null) selects nothing', selector: null, matches: [false, false, false] },
  { name: 'undefined selects nothing', selector: undefined, matches: [false, false, false] },
  { name: '{} selects everything, even unlabelled pods', selector: {}, matches: [true, true, true] },
  { name: 'empty matchLabels and matchExpressions select everything', selector: { matchLabels: {}, matchExpressions: [] }, matches: [true, true, true] },
  { name: 'matchLabels: equality', selector: { matchLabels: { app: 'web' } }, matches: [true, false, false] },
  { name: 'matchLabels: every pair (AND)', selector: { matchLabels: { app: 'web', tier: 'backend' } }, matches: [false, false, false] },
  { name: 'matchLabels with an empty value needs the key present', selector: { matchLabels: { canary: '' } }, matches: [false, false, false] },
  { name: 'In: the key present with one of the values', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'worker'] }] }, matches: [true, true, false] },
  { name: 'NotIn: holds when the key is absent', selector: { matchExpressions: [{ key: 'canary', operator: 'NotIn', values: ['true'] }] }, matches: [true, false, true] },
  { name: 'NotIn: fails when the value is listed', selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, matches: [false, true, true] },
  { name: 'Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, matches: [true, false, false] },
  { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, matches: [true, false, true] },
  {
    name: 'matchLabels AND matchExpressions',
    selector: { matchLabels: { app: 'worker' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
    matches: [false, false, false],
  },
  {
    name: 'every expression must hold',
    selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'NotIn', values: ['frontend'] }] },
    matches: [false, true, false],
  },
  // LabelSelectorAsSelector errors on these; the API server rejects such a policy anyway
  { name: 'In without values selects nothing', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, matches: [false, false, false] },
  { name: 'Exists with values selects nothing', selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] }, matches: [false, false, false] },
  { name: 'an unknown operator selects nothing', selector: { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, matches: [false, false, false] },
];

describe('label selectors', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const selector = parseLabelSelector(row.selector);
      const got = [web, worker, bare].map((labels) => selectorMatches(selector, labels));
      assert.deepEqual(got, row.matches);
    });
  }

  it('tells {} from absent', () => {
    assert.equal(parseLabelSelector(undefined), undefined);
    assert.equal(parseLabelSelector(null), undefined);
    const empty = parseLabelSelector({});
    assert.ok(empty && isEmptySelector(empty));
    const narrowed = parseLabelSelector({ matchLabels: { app: 'web' } });
    assert.ok(narrowed && !isEmptySelector(narrowed));
  });

  it('does not take inherited object properties for labels', () => {
    assert.equal(selectorMatches(parseLabelSelector({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }), {}), false);
    assert.equal(selectorMatches(parseLabelSelector({ matchLabels: { toString: 'x' } }), {}), false);
  });

  it('formats like kubectl', () => {
    const selector = parseLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    assert.ok(selector);
    assert.equal(formatSelector(selector), 'app=web, tier in (a,b), env notin (prod), team, !canary');
    assert.equal(formatSelector({ matchLabels: {}, matchExpressions: [] }), '(all)');
  });

  it('derives the labels a selector requires, and whether one selector implies another', () => {
    const ingress = parseLabelSelector({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }, matchExpressions: [{ key: 'component', operator: 'In', values: ['controller'] }] });
    assert.ok(ingress);
    assert.deepEqual(requiredLabels(ingress), { 'app.kubernetes.io/name': 'ingress-nginx', component: 'controller' });
    const byName = parseLabelSelector({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    const all = parseLabelSelector({});
    const notCanary = parseLabelSelector({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] });
    assert.ok(byName && all && notCanary);
    assert.equal(selectorImplies(ingress, byName), true, 'narrower implies broader');
    assert.equal(selectorImplies(byName, ingress), false, 'broader does not imply narrower');
    assert.equal(selectorImplies(all, byName), false, '{} selects pods without the label');
    assert.equal(selectorImplies(ingress, all), true, 'everything is inside {}');
    assert.equal(selectorImplies(ingress, notCanary), false, 'a negative requirement cannot be proven from required labels');
  });
});
