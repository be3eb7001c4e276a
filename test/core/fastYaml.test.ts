import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Pair, Scalar, YAMLMap, YAMLSeq, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { generateManifests, seededRandom } from '../../bench/generateManifests';
import { createFastParse } from '../../server/src/core/parse/fastYaml';
import { YAML_OPTIONS, chunkStarts, focus } from '../../server/src/core/parse/manifest';

/**
 * The fast reader (core/parse/fastYaml.ts) against the `yaml` package, which stays the reference:
 * whenever the fast reader answers, its nodes (class, flow, scalar value/type/source/format, the
 * ranges our code reads) and its plain value must equal what `yaml` composes, and `yaml` must
 * find no error in that text. Whenever it is unsure it must give up, never guess.
 */

const fastParse = createFastParse(YAML_OPTIONS);
const ROOT = join(__dirname, '..', '..');

function sameNode(fast: unknown, reference: unknown, text: string, path: string): void {
  const f = fast as YamlNode;
  const r = reference as YamlNode;
  assert.equal(isScalar(f), isScalar(r), `${path}: scalar`);
  assert.equal(isMap(f), isMap(r), `${path}: map`);
  assert.equal(isSeq(f), isSeq(r), `${path}: seq`);
  assert.deepEqual(focus(f, text), focus(r, text), `${path}: focus`);
  // real instances of yaml's classes, so every method of theirs works on them
  const expectedClass = isScalar(r) ? Scalar : isMap(r) ? YAMLMap : YAMLSeq;
  assert.ok(f instanceof expectedClass, `${path}: class`);
  if (isScalar(f) && isScalar(r)) {
    assert.deepEqual([f.value, f.type, f.source, f.format], [r.value, r.type, r.source, r.format], `${path}: scalar`);
    assert.deepEqual(f.range?.slice(0, 2), r.range?.slice(0, 2), `${path}: range`);
    return;
  }
  if (isCollection(f) && isCollection(r)) {
    assert.equal(Boolean(f.flow), Boolean(r.flow), `${path}: flow`);
    assert.equal(f.range?.[0], r.range?.[0], `${path}: start`);
    if (f.flow) assert.equal(f.range?.[1], r.range?.[1], `${path}: end`);
    assert.equal(f.items.length, r.items.length, `${path}: items`);
    f.items.forEach((item, i) => {
      const other = r.items[i];
      if (isMap(f)) {
        assert.ok(isPair(item) && item instanceof Pair, `${path}: pair`);
        const fp = item as { key: unknown; value: unknown };
        const rp = other as { key: unknown; value: unknown };
        sameNode(fp.key, rp.key, text, `${path}.key${i}`);
        sameNode(fp.value, rp.value, text, `${path}.${String((fp.key as { value?: unknown }).value)}`);
      } else {
        sameNode(item, other, text, `${path}[${i}]`);
      }
    });
  }
}

/** Checks one chunk; returns whether the fast reader answered. */
function check(text: string): boolean {
  const fast = fastParse(text);
  if (!fast) return false;
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  assert.ok(Array.isArray(docs), 'yaml parses');
  const problems = docs.flatMap((doc) => [...doc.errors, ...doc.warnings].map((e) => e.code));
  assert.deepEqual(problems, [], `fast reader accepted a text yaml reports: ${JSON.stringify(text)}`);
  if (fast.kind === 'empty') {
    // no document, or documents whose content is null: no objects either way
    for (const doc of docs) assert.ok(doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null), `empty: ${JSON.stringify(text)}`);
    return true;
  }
  assert.equal(docs.length, 1, JSON.stringify(text));
  const doc = docs[0];
  assert.ok(doc);
  try {
    sameNode(fast.root, doc.contents, text, '$');
    assert.deepEqual(fast.value, doc.toJS({ maxAliasCount: 100 }), 'value');
  } catch (error) {
    (error as Error).message += `\n  in ${JSON.stringify(text)}`;
    throw error;
  }
  return true;
}

function chunks(text: string): string[] {
  const starts = chunkStarts(text);
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const POLICY = `---
# a realistic policy with the shapes manifests use
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow-frontend
  namespace: shop # the API tier
  labels: {}
  annotations:
    "example.com/owner": 'team ''core'''
    note: "tab\\there \\u00e9"
spec:
  podSelector:
    matchLabels:
      app: api
    matchExpressions:
    - key: tier
      operator: In
      values: [backend, "api-v2", 3]
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: shop
      podSelector:
        matchLabels:
          app: frontend

    - ipBlock:
        cidr: 10.20.0.0/16
        except:
          - 10.20.99.0/24
    ports:
    - protocol: TCP
      port: http
    - port: 8443
      endPort: 0x2100
  egress:
  -
  - to: []
    ports:
      - {}
  - ports:
    - port: yes
      protocol: ~
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    version: "1.0"
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          args: ["--port", "8080", -v]
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
          env:
          - name: DATE
            value: 2024-01-01
          - name: TIME
            value: 12:30
          - name: EMPTY
            value:
      hostNetwork: false
`;

const SPECIALS = [':', ' ', '-', '#', "'", '"', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '?', '\t', '\n', '\r', 'x', '0', '%', '@', '\\'];

describe('fast YAML reader', () => {
  it('agrees with yaml on every fixture and example document', () => {
    let answered = 0;
    let total = 0;
    for (const dir of ['examples', 'test/fixtures']) {
      for (const file of yamlFiles(join(ROOT, dir))) {
        for (const chunk of chunks(readFileSync(file, 'utf8'))) {
          total++;
          if (check(chunk)) answered++;
        }
      }
    }
    // most documents are in the subset; the rest (deliberate YAML mistakes, anchors) fall back
    assert.ok(answered / total > 0.8, `fast reader answered ${answered} of ${total}`);
  });

  it('answers for every document of the benchmark file', () => {
    const text = generateManifests({ policies: 120 }).text;
    const all = chunks(text);
    assert.deepEqual(all.filter((chunk) => !check(chunk)), []);
  });

  it('answers for realistic policies and workloads', () => {
    assert.ok(check(POLICY));
    assert.ok(check(DEPLOYMENT));
    assert.ok(check(POLICY.replace(/\n/g, '\r\n')));
    assert.ok(check('  a: 1\n  b:\n  - x\n'));
    assert.ok(check('# only a comment\n'));
    assert.ok(check('---\n'));
    assert.ok(check(''));
  });

  it('gives up on what it does not read', () => {
    const outside = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: >-\n  text\n',
      'a: b\n  c\n',
      'a: 1\na: 2\n',
      '<<: {a: 1}\n',
      'a: {b: 1}\n',
      '? a\n: b\n',
      'a:\tb\n',
      '- a\n- b\n',
      '%YAML 1.1\n---\na: 1\n',
      'a: 1\n...\n',
      'a: "unclosed\n  line"\n',
      '1: one\n',
      'yes: true\n',
    ];
    for (const text of outside) assert.equal(fastParse(text), undefined, JSON.stringify(text));
  });

  it('never disagrees with yaml on half-typed documents', () => {
    for (const source of [POLICY, DEPLOYMENT]) {
      for (let i = 0; i <= source.length; i++) check(source.slice(0, i));
    }
  });

  it('never disagrees with yaml on single-character edits', () => {
    // every deletion, and at every position three characters YAML gives a meaning to (seeded)
    const random = seededRandom(11);
    let answered = 0;
    let total = 0;
    for (const source of [POLICY, DEPLOYMENT]) {
      for (let i = 0; i < source.length; i++) {
        const edits = [source.slice(0, i) + source.slice(i + 1)];
        for (let k = 0; k < 3; k++) edits.push(source.slice(0, i) + (SPECIALS[Math.floor(random() * SPECIALS.length)] ?? '') + source.slice(i));
        for (const edit of edits) {
          total++;
          if (check(edit)) answered++;
        }
      }
    }
    // the reader must still answer for the many edits that stay in its subset
    assert.ok(answered > total / 4, `answered ${answered} of ${total}`);
  });
});
