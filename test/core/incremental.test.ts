import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis, analyzeText, type ClusterObjects, type Finding, type InventorySourceMode } from '../../server/src/core';
import { fileContribution } from '../../server/src/core/inventory/buildInventory';
import { generateWorkspace } from '../../bench/workspace/generateWorkspace';
import { seededRandom } from '../../bench/generateManifests';

/**
 * The workspace re-runs the guardrails only for the namespaces an edit touches
 * (WorkspaceAnalysis.changedScope). Whatever the edit, its findings must be exactly those of a
 * fresh analysis of the same files: this drives a long seeded series of edits of every kind over
 * the examples (which show every rule) and a generated workspace, and compares after each one.
 */

const ROOT = join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

function plain(findings: Map<string, Finding[]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [file, list] of [...findings].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length > 0) out[file] = list.map((f) => [f.ruleId, f.severity, f.message, f.range.start, f.range.end, f.related.map((r) => [r.file, r.range.start, r.message])]);
  }
  return out;
}

type Edit = (text: string, random: () => number) => string;

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** replaces one match of `pattern` (chosen at random) by `replace(match)` */
function atRandomMatch(text: string, pattern: RegExp, random: () => number, replace: (match: string) => string): string {
  const matches = [...text.matchAll(pattern)];
  const m = pick(matches, random);
  if (!m || m.index === undefined) return text;
  return text.slice(0, m.index) + replace(m[0]) + text.slice(m.index + m[0].length);
}

const EDITS: readonly Edit[] = [
  // a digit of a port
  (t, r) => atRandomMatch(t, /port: \d+/g, r, (m) => m.slice(0, -1) + String(Math.floor(r() * 10))),
  // a label value in a selector or a pod template
  (t, r) => atRandomMatch(t, /(app|tier|team|k8s-app|app\.kubernetes\.io\/name): [a-z0-9-]+/g, r, (m) => (r() < 0.5 ? `${m}x` : m.slice(0, -1))),
  // a comment line at the top: every range in the file moves
  (t) => `# edited\n${t}`,
  // a line deleted (half-broken documents included)
  (t, r) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1);
    return lines.join('\n');
  },
  // a policy's types
  (t, r) => atRandomMatch(t, /policyTypes: \[[A-Za-z, ]*\]/g, r, () => pick(['policyTypes: [Ingress]', 'policyTypes: [Egress]', 'policyTypes: [Ingress, Egress]'], r) ?? ''),
  // a namespace renamed (in metadata: moves objects between namespaces)
  (t, r) => atRandomMatch(t, /namespace: [a-z0-9-]+/g, r, (m) => (r() < 0.5 ? `${m}2` : m.replace(/2$/, ''))),
  // hostNetwork and the empty selector
  (t, r) => atRandomMatch(t, /podSelector: \{\}/g, r, () => 'podSelector: {matchLabels: {app: api}}'),
];

function drive(files: Map<string, string>, steps: number, seed: number, cluster?: { objects: ClusterObjects; mode: InventorySourceMode }): number {
  const random = seededRandom(seed);
  const incremental = new WorkspaceAnalysis();
  if (cluster) incremental.setCluster(cluster.objects, cluster.mode);
  for (const [file, text] of files) incremental.update(file, text);
  incremental.findings();
  const removed = new Map<string, string>();
  let compared = 0;
  for (let step = 0; step < steps; step++) {
    const names = [...files.keys()];
    const roll = random();
    if (roll < 0.05 && names.length > 1) {
      const file = pick(names, random) ?? '';
      removed.set(file, files.get(file) ?? '');
      files.delete(file);
      incremental.remove(file);
    } else if (roll < 0.1 && removed.size > 0) {
      const [file, text] = [...removed][0] ?? ['', ''];
      removed.delete(file);
      files.set(file, text);
      incremental.update(file, text);
    } else {
      // usually one file, sometimes several before the findings are asked for
      const count = random() < 0.2 ? 3 : 1;
      for (let k = 0; k < count; k++) {
        const file = pick(names, random) ?? '';
        const edit = pick(EDITS, random);
        const text = edit ? edit(files.get(file) ?? '', random) : '';
        files.set(file, text);
        incremental.update(file, text);
      }
    }
    const fresh = new WorkspaceAnalysis();
    if (cluster) fresh.setCluster(cluster.objects, cluster.mode);
    for (const [file, text] of files) fresh.update(file, text);
    assert.deepEqual(plain(incremental.findings()), plain(fresh.findings()), `step ${step}`);
    compared++;
  }
  return compared;
}

describe('incremental guardrails', () => {
  it('equal a fresh analysis after every edit of the examples', () => {
    const files = new Map<string, string>();
    for (const path of yamlFiles(join(ROOT, 'examples'))) files.set(relative(ROOT, path), readFileSync(path, 'utf8'));
    assert.ok(files.size > 5);
    assert.equal(drive(files, 150, 3), 150);
  });

  it('equal a fresh analysis after every edit of a generated multi-namespace workspace', () => {
    const files = new Map(generateWorkspace({ files: 40, resources: 300, seed: 5 }).map((f) => [f.path, f.text]));
    assert.equal(drive(files, 80, 9), 80);
  });

  it('equal a fresh analysis after every edit, with cluster objects merged in (both, cluster)', () => {
    // the cluster holds another generated workspace's objects, some with the workspace's names
    const contributions = generateWorkspace({ files: 30, resources: 200, seed: 6 }).map((f) => fileContribution(`netpol-cluster://ctx/${f.path}`, analyzeText(f.text).objects));
    const objects: ClusterObjects = {
      context: 'ctx',
      namespaces: contributions.flatMap((c) => c.namespaces),
      workloads: contributions.flatMap((c) => c.workloads),
      policies: contributions.flatMap((c) => c.policies),
    };
    assert.ok(objects.workloads.length > 20 && objects.policies.length > 5);
    for (const [mode, seed] of [['both', 11], ['cluster', 12]] as const) {
      const files = new Map(generateWorkspace({ files: 40, resources: 300, seed: 5 }).map((f) => [f.path, f.text]));
      assert.equal(drive(files, 40, seed, { objects, mode }), 40);
    }
  });

  it('re-run nothing when an edit changes nothing the rules read', () => {
    const files = generateWorkspace({ files: 40, resources: 300, seed: 5 });
    const workspace = new WorkspaceAnalysis();
    for (const f of files) workspace.update(f.path, f.text);
    const first = workspace.findings();
    const file = files[3];
    assert.ok(file);
    // a comment at the end of a file moves nothing
    workspace.update(file.path, `${file.text}# reviewed\n`);
    const second = workspace.findings();
    for (const [path, list] of first) if (path !== file.path) assert.equal(second.get(path), list, `${path} answered from the cache`);
  });
});
