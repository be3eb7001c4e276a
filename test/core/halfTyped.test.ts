import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestAnalyzer, analyzeText, type FileAnalysis } from '../../server/src/core';

/**
 * A policy typed character by character: every prefix is a half-typed document the editor sends.
 * The analysis must never throw, must keep every range inside the text, and the incremental
 * analyzer (one instance per file, caching chunks) must agree with a fresh analysis every time.
 */

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow-frontend
  namespace: shop # the API tier
spec:
  podSelector:
    matchLabels:
      app: api
    matchExpressions:
    - key: tier
      operator: In
      values: [backend, "api-v2"]
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
      endPort: 8450
  egress:
  - to:
    - ipBlock:
        cidr: 2001:db8::/32
        except: ["2001:db8:ffff::/48"]
    ports:
    - protocol: UDP
      port: 53
`;

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n';

function checkRanges(result: FileAnalysis, length: number, where: string): void {
  for (const f of result.findings) {
    if (!(0 <= f.range.start && f.range.start <= f.range.end && f.range.end <= length)) {
      assert.fail(`${where}: ${f.ruleId} ${f.fieldPath ?? ''} range ${f.range.start}-${f.range.end} outside [0, ${length}]`);
    }
    for (const r of f.related) {
      if (!(0 <= r.range.start && r.range.start <= r.range.end && r.range.end <= length)) assert.fail(`${where}: related range outside the text`);
    }
  }
}

/**
 * Feeds each version to one analyzer (the incremental path) and to a fresh analysis, and checks
 * that neither throws, that ranges stay inside the text, and that both agree.
 */
function compareIncremental(versions: Iterable<string>): number {
  const analyzer = new ManifestAnalyzer();
  let count = 0;
  for (const text of versions) {
    let fresh: FileAnalysis;
    let incremental: FileAnalysis;
    try {
      fresh = analyzeText(text);
      incremental = analyzer.analyze(text);
    } catch (error) {
      assert.fail(`threw on version ${count} (${text.length} characters, ending ${JSON.stringify(text.slice(-40))}): ${String(error)}`);
    }
    checkRanges(fresh, text.length, `version ${count}`);
    assert.deepEqual(incremental.findings, fresh.findings, `findings differ at version ${count}: ${JSON.stringify(text.slice(-40))}`);
    assert.equal(incremental.analysed, fresh.analysed);
    assert.deepEqual(
      incremental.objects.map((o) => [o.kind, o.name, o.baseOffset, o.listIndex]),
      fresh.objects.map((o) => [o.kind, o.name, o.baseOffset, o.listIndex]),
      `objects differ at version ${count}`,
    );
    count++;
  }
  return count;
}

function* prefixes(text: string): Generator<string> {
  for (let n = 0; n <= text.length; n++) yield text.slice(0, n);
}

describe('half-typed policies', () => {
  const crlf = POLICY.replace(/\n/g, '\r\n');

  it('the whole policy is valid, with LF and with CRLF', () => {
    assert.ok(POLICY.split('\n').length >= 40);
    assert.deepEqual(analyzeText(POLICY).findings, []);
    assert.deepEqual(analyzeText(crlf).findings, []);
    assert.equal(analyzeText(POLICY).objects.length, 1);
  });

  it('every prefix (LF): no throw, ranges inside, one ManifestAnalyzer agrees with a fresh analysis', () => {
    assert.equal(compareIncremental(prefixes(POLICY)), POLICY.length + 1);
  });

  it('every prefix (CRLF): no throw, ranges inside the prefix', () => {
    for (let n = 0; n <= crlf.length; n++) {
      const prefix = crlf.slice(0, n);
      let result: FileAnalysis;
      try {
        result = analyzeText(prefix);
      } catch (error) {
        assert.fail(`threw on a CRLF prefix of ${n} characters: ${String(error)}`);
      }
      checkRanges(result, prefix.length, `CRLF prefix ${n}`);
    }
  });

  it('the cache path: an unchanged first document while the end of the second is typed, then deleted', () => {
    // the prefixes above already type the whole policy through the analyzer; here the first
    // chunk stays cached while the second one changes
    const text = NAMESPACE + POLICY;
    const from = text.length - 120;
    const versions = function* (): Generator<string> {
      for (let n = from; n <= text.length; n++) yield text.slice(0, n);
      for (let n = text.length; n >= from; n--) yield text.slice(0, n);
    };
    compareIncremental(versions());
  });

  it('editing the first document shifts the cached findings of an unchanged second one', () => {
    const bad = `---\n${POLICY.replace('port: 53', 'port: 0')}`;
    const name = 'shop-namespace-with-a-long-name';
    const versions = function* (): Generator<string> {
      for (let n = 0; n <= name.length; n++) yield `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name.slice(0, n)}\n${bad}`;
      for (let n = name.length; n >= 0; n--) yield `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name.slice(0, n)}\n${bad}`;
    };
    compareIncremental(versions());
    const analyzer = new ManifestAnalyzer();
    analyzer.analyze(`kind: Namespace\n${bad}`);
    const full = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${bad}`;
    assert.deepEqual(
      analyzer.analyze(full).findings.map((f) => [f.fieldPath, full.slice(f.range.start, f.range.end)]),
      [['spec.egress[0].ports[0].port', '0']],
    );
  });
});
