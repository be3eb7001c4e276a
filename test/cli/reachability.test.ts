import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ConnectivityJson } from '../../server/src/core/reachability/report';

/** `connectivity` and `explain` on the built dist/cli.js (build first: node esbuild.mjs). */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = (name: string): string => `test/fixtures/reachability/${name}`;

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli: connectivity', () => {
  it('writes the JSON contract', () => {
    const r = run(['connectivity', '--format', 'json', fixture('both-directions')]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as ConnectivityJson;
    assert.equal(json.version, 1);
    assert.deepEqual(json.endpoints[0], { id: 'app/back', type: 'workload', namespace: 'app', name: 'back', kind: 'Deployment' });
    assert.deepEqual(
      json.endpoints.filter((e) => e.type === 'external').map((e) => e.id),
      ['0.0.0.0-255.255.255.255', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    );
    assert.deepEqual(json.connections, [{ src: 'app/front', dst: 'app/back', all: false, ports: { TCP: [[9000, 9000]] } }]);
  });

  it('marks every-port connections all: true and merges port ranges', () => {
    const json = JSON.parse(run(['connectivity', '--format', 'json', fixture('endport')]).stdout) as ConnectivityJson;
    const ab = json.connections.find((c) => c.src === 'default/a' && c.dst === 'default/b');
    assert.deepEqual(ab, { src: 'default/a', dst: 'default/b', all: false, ports: { TCP: [[80, 81], [32000, 33000]] } });
    assert.deepEqual(json.connections.find((c) => c.src === 'default/b' && c.dst === 'default/a'), { src: 'default/b', dst: 'default/a', all: true });
  });

  it('prints text, csv, md and dot', () => {
    const text = run(['connectivity', fixture('both-directions')]);
    assert.equal(text.code, 0);
    assert.deepEqual(text.stdout.trim().split('\n'), ['2 workload(s), 2 external address range(s), 1 allowed connection(s)', 'app/front -> app/back: TCP 9000']);
    assert.deepEqual(run(['connectivity', '--format', 'csv', fixture('sctp')]).stdout.split('\n').slice(0, 2), ['src,dst,all,tcp,udp,sctp', 'default/a,default/b,false,,1-65535,3868']);
    assert.match(run(['connectivity', '--format', 'md', fixture('both-directions')]).stdout, /^\| Source \| Destination \| Allowed \|\n\| --- \| --- \| --- \|\n\| `app\/front` \| `app\/back` \| TCP 9000 \|\n$/);
    const dot = run(['connectivity', '--format', 'dot', fixture('both-directions')]).stdout;
    assert.match(dot, /^digraph connectivity \{/);
    assert.match(dot, /"app\/front" -> "app\/back" \[label="TCP 9000"\];/);
  });

  it('reads stdin and rejects unknown formats', () => {
    const r = run(['connectivity', '--format', 'json', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec: {containers: [{name: c, image: i}]}\n');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as ConnectivityJson).endpoints.map((e) => e.id).slice(0, 1), ['x/p']);
    const bad = run(['connectivity', '--format', 'xml', fixture('sctp')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text, json, csv, md or dot/);
  });
});

describe('cli: explain', () => {
  it('explains an allowed connection with policies, rules and lines; exit 0', () => {
    const r = run(['explain', '--from', 'app/front', '--to', 'app/back', fixture('both-directions')]);
    assert.equal(r.code, 0, r.stderr);
    const file = 'test/fixtures/reachability/both-directions/manifests.yaml';
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'Deployment app/front -> Deployment app/back: ALLOWED only on TCP 9000',
      `  egress of app/front: isolated by app/default-deny (${file}:22), app/front-to-back (${file}:38)`,
      `    allowed by app/front-to-back egress rule 1 (${file}:43): TCP 9000, 9443 (peer 1)`,
      '    egress allows: TCP 9000, 9443',
      `  ingress of app/back: isolated by app/default-deny (${file}:22), app/back-from-front (${file}:29)`,
      `    allowed by app/back-from-front ingress rule 1 (${file}:33): TCP 9000 (peer 1)`,
      '    ingress allows: TCP 9000',
    ]);
  });

  it('--port: denied on a port one side lacks; exit 1', () => {
    const r = run(['explain', '--from', 'app/front', '--to', 'app/back', '--port', '9443/tcp', fixture('both-directions')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Deployment app\/front -> Deployment app\/back on TCP 9443: DENIED\n/);
    assert.match(r.stdout, /ingress of app\/back: isolated by .*\n {4}no rule of these policies allows traffic from app\/front on TCP 9443/);
  });

  it('takes IP addresses and finds their range; JSON output', () => {
    const r = run(['explain', '--from', '10.2.3.4', '--to', 'default/web', '--port', '443', '--format', 'json', fixture('ipblock-except')]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { from: string; verdict: string; ingress: { allowingRules: { policy: string; ruleIndex: number; line: number }[] } };
    assert.equal(json.from, '10.2.0.0-10.255.255.255');
    assert.equal(json.verdict, 'allowed');
    assert.deepEqual(
      json.ingress.allowingRules.map((x) => [x.policy, x.ruleIndex, x.line]),
      [['default/web-ipblocks', 0, 29]],
    );
    const inExcept = run(['explain', '--from', '10.1.200.1', '--to', 'default/web', '--port', '443', fixture('ipblock-except')]);
    assert.equal(inExcept.code, 1);
  });

  it('usage errors: unknown endpoint with a suggestion, bad port', () => {
    const r = run(['explain', '--from', 'front', '--to', 'app/back', fixture('both-directions')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--from front: no such workload or IP address \(did you mean app\/front\?\)/);
    const port = run(['explain', '--from', 'app/front', '--to', 'app/back', '--port', '70000', fixture('both-directions')]);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be a port 1-65535/);
  });
});

describe('cli: diff', () => {
  it('lists what an edit opens and cuts off; exit 1 on changes', () => {
    const r = run(['diff', 'test/fixtures/reachability-diff/before', 'test/fixtures/reachability-diff/after']);
    assert.equal(r.code, 1, r.stderr);
    // the ranges are cut by both sides' ipBlocks, so 10.0.0.0/8 is its own endpoint in both maps
    assert.deepEqual(r.stdout.trim().split('\n'), [
      '+ 10.0.0.0-10.255.255.255 -> shop/api: TCP 8443; UDP 5000',
      '~ shop/web -> shop/api: opens TCP 8443, closes TCP 8080 (now TCP 8443; UDP 5000)',
      '1 added, 0 removed, 1 changed connection(s)',
    ]);
  });

  it('JSON; exit 0 when nothing changes', () => {
    const r = run(['diff', '--format', 'json', 'test/fixtures/reachability-diff/before', 'test/fixtures/reachability-diff/after']);
    const json = JSON.parse(r.stdout) as { version: number; changed: { src: string; opened: unknown; closed: unknown }[] };
    assert.equal(json.version, 1);
    assert.deepEqual(json.changed[0], {
      src: 'shop/web',
      dst: 'shop/api',
      before: { all: false, ports: { TCP: [[8080, 8080]], UDP: [[5000, 5000]] } },
      after: { all: false, ports: { TCP: [[8443, 8443]], UDP: [[5000, 5000]] } },
      opened: { all: false, ports: { TCP: [[8443, 8443]] } },
      closed: { all: false, ports: { TCP: [[8080, 8080]] } },
    });
    const same = run(['diff', 'test/fixtures/reachability-diff/before', 'test/fixtures/reachability-diff/before']);
    assert.equal(same.code, 0);
    assert.equal(same.stdout.trim(), '0 added, 0 removed, 0 changed connection(s)');
    assert.equal(run(['diff', 'test/fixtures/reachability-diff/before']).code, 2);
  });
});

describe('cli: diff --git', () => {
  it('compares a committed folder with the working tree (read-only git)', () => {
    const r = run(['diff', '--git', 'HEAD', 'test/fixtures/cli/clean']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '0 added, 0 removed, 0 changed connection(s)');
    const bad = run(['diff', '--git', 'no-such-ref-0123', 'test/fixtures/cli/clean']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--git no-such-ref-0123: /);
  });
});

describe('cli: connectivity --config', () => {
  it('places objects without a namespace in the configured defaultNamespace, as check does', () => {
    const dir = 'test/fixtures/reachability-config';
    const withConfig = JSON.parse(run(['connectivity', '--format', 'json', '--config', `${dir}/netpol-guardrails.yaml`, `${dir}/app.yaml`]).stdout) as ConnectivityJson;
    assert.equal(withConfig.endpoints[0]!.id, 'team-a/api');
    const without = JSON.parse(run(['connectivity', '--format', 'json', `${dir}/app.yaml`]).stdout) as ConnectivityJson;
    assert.equal(without.endpoints[0]!.id, 'default/api');
    assert.equal(run(['connectivity', '--config', `${dir}/missing.yaml`, `${dir}/app.yaml`]).code, 2);
  });
});
