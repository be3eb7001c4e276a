import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/src/core';
import {
  applyEdits,
  cidrInputProblem,
  inputTemplateAction,
  knownClients,
  labelChoices,
  namespaceActions,
  namespaceChoices,
  parsePortList,
  templateTarget,
  templatesFor,
  workloadChoices,
  templateActions,
  type AuthoringContext,
  type TemplateInput,
} from '../../server/src/core/authoring';
import { newPolicyFileName } from '../../server/src/core/authoring/fileNames';

function workspace(files: Record<string, string>): WorkspaceAnalysis {
  const ws = new WorkspaceAnalysis();
  for (const [file, text] of Object.entries(files)) ws.update(file, text);
  return ws;
}

function context(ws: WorkspaceAnalysis, file: string): AuthoringContext {
  return { file, text: ws.textOf(file) ?? '', inventory: ws.inventory(), config: ws.configuration() };
}

const deployment = (name: string, ns: string, ports: number[] = [], labels: Record<string, string> = { app: name }): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
${Object.entries(labels)
  .map(([k, v]) => `        ${k}: ${v}`)
  .join('\n')}
    spec:
      containers:
        - name: c
          image: i
${ports.length > 0 ? `          ports:\n${ports.map((p) => `            - containerPort: ${p}`).join('\n')}\n` : ''}`;

const egressPolicy = (name: string, ns: string, from: string, to: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: ${from}
  policyTypes: [Egress]
  egress:
${to}
`;

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes:
    - Ingress
`;

describe('known clients', () => {
  const ws = workspace({
    'api.yaml': deployment('api', 'shop', [8080]),
    'web.yaml': `${deployment('web', 'front')}---\n${egressPolicy('web-out', 'front', 'web', '    - to:\n        - namespaceSelector: {}\n          podSelector:\n            matchLabels:\n              app: api\n      ports:\n        - port: 8080\n')}`,
    'all.yaml': `${deployment('all', 'shop')}---\n${egressPolicy('all-out', 'shop', 'all', '    - {}\n')}`,
    'ns.yaml': `${deployment('nsonly', 'shop')}---\n${egressPolicy('ns-out', 'shop', 'nsonly', '    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: shop\n')}`,
    'wrong.yaml': `${deployment('wrongport', 'shop')}---\n${egressPolicy('wrong-out', 'shop', 'wrongport', '    - to:\n        - podSelector:\n            matchLabels:\n              app: api\n      ports:\n        - port: 5432\n')}`,
    'other.yaml': `${deployment('other', 'shop')}---\n${egressPolicy('other-out', 'shop', 'other', '    - to:\n        - podSelector:\n            matchLabels:\n              app: db\n')}`,
  });
  const api = ws.inventory().workloads.find((w) => w.name === 'api');

  it('are the workloads whose egress names the pods by label on a port they listen on', () => {
    assert.ok(api);
    assert.deepEqual(
      knownClients(ws.inventory(), api).map((c) => `${c.workload.namespace}/${c.workload.name}: ${c.evidence}`),
      ['front/web: egress rule 1 of front/web-out'],
    );
  });

  it('leave out allow-all egress, a namespaceSelector alone, other ports and other pods', () => {
    assert.ok(api);
    const names = knownClients(ws.inventory(), api).map((c) => c.workload.name);
    for (const name of ['all', 'nsonly', 'wrongport', 'other']) assert.ok(!names.includes(name), name);
  });

  it('count the pods of one controller once', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web-abc
  namespace: front
  labels:
    app: web
  ownerReferences:
    - apiVersion: apps/v1
      kind: ReplicaSet
      name: web-123
      uid: 1
      controller: true
spec:
  containers:
    - name: c
      image: i
`;
    const more = workspace({ ...Object.fromEntries(['api.yaml', 'web.yaml'].map((f) => [f, ws.textOf(f) ?? ''])), 'pod.yaml': pod });
    const target = more.inventory().workloads.find((w) => w.name === 'api');
    assert.ok(target);
    assert.deepEqual(
      knownClients(more.inventory(), target).map((c) => c.workload.kind),
      ['Deployment'],
    );
  });
});

describe('input templates', () => {
  const files = {
    'policy.yaml': POLICY,
    'api.yaml': deployment('api', 'shop', [8080]),
    'web.yaml': deployment('web', 'front', [80], { app: 'web', tier: 'front' }),
    'jobs.yaml': deployment('jobs', 'batch'),
  };

  it('targets the policy or workload under the cursor, with the directions a policy isolates', () => {
    const ws = workspace(files);
    const policy = templateTarget(context(ws, 'policy.yaml'), 10);
    assert.equal(policy?.type, 'policy');
    assert.deepEqual(policy && templatesFor(policy), ['allowFromNamespace', 'allowFromPods']);
    const workload = templateTarget(context(ws, 'api.yaml'), 10);
    assert.equal(workload?.label, 'Deployment api');
    assert.deepEqual(workload && templatesFor(workload), ['allowFromNamespace', 'allowFromPods', 'allowEgressToWorkload', 'allowEgressToCidr']);
  });

  it('refuses input the API would reject, with the reason', () => {
    const ws = workspace(files);
    const problem = (file: string, input: TemplateInput): string => {
      const result = inputTemplateAction(context(ws, file), 10, input);
      return 'problem' in result ? result.problem : '';
    };
    assert.match(problem('policy.yaml', { template: 'allowFromNamespace', namespace: 'Front_1' }), /no namespace name/);
    assert.match(problem('policy.yaml', { template: 'allowFromPods', labels: {} }), /at least one label/);
    assert.match(problem('policy.yaml', { template: 'allowFromPods', labels: { 'bad key!': 'x' } }), /label key/);
    assert.match(problem('policy.yaml', { template: 'allowEgressToCidr', cidr: '10.0.0.0/8' }), /does not isolate egress/);
    assert.match(problem('api.yaml', { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] }), /not strictly inside/);
    assert.match(problem('api.yaml', { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', ports: 'TCP 70000' }), /port 70000/);
    assert.match(problem('api.yaml', { template: 'allowEgressToWorkload', namespace: 'front', name: 'nope' }), /no workload front\/nope/);
  });

  it('writes nothing twice: the same input on the edited text is already allowed', () => {
    const inputs: TemplateInput[] = [
      { template: 'allowFromNamespace', namespace: 'front' },
      { template: 'allowFromPods', labels: { tier: 'front' }, namespace: 'front' },
    ];
    for (const input of inputs) {
      const ws = workspace(files);
      const first = inputTemplateAction(context(ws, 'policy.yaml'), 10, input);
      assert.ok('action' in first, JSON.stringify(first));
      ws.update('policy.yaml', applyEdits(POLICY, first.action.edits));
      const second = inputTemplateAction(context(ws, 'policy.yaml'), 10, input);
      assert.ok('problem' in second && /already allows/.test(second.problem), JSON.stringify(second));
    }
    for (const input of [{ template: 'allowEgressToWorkload', namespace: 'front', name: 'web' }, { template: 'allowEgressToCidr', cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }] as const) {
      const ws = workspace(files);
      const text = ws.textOf('api.yaml') ?? '';
      const first = inputTemplateAction(context(ws, 'api.yaml'), 10, input);
      assert.ok('action' in first, JSON.stringify(first));
      ws.update('api.yaml', applyEdits(text, first.action.edits));
      const second = inputTemplateAction(context(ws, 'api.yaml'), 10, input);
      assert.ok('problem' in second && /already allows/.test(second.problem), JSON.stringify(second));
    }
  });

  it('a rule for the same peer on fewer ports does not count as allowed', () => {
    const narrow = `${POLICY}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: front\n      ports:\n        - port: 9999\n`;
    const ws = workspace({ ...files, 'policy.yaml': narrow });
    const result = inputTemplateAction(context(ws, 'policy.yaml'), 10, { template: 'allowFromNamespace', namespace: 'front' });
    assert.ok('action' in result, JSON.stringify(result));
    assert.match(applyEdits(narrow, result.action.edits), /port: 9999\n {4}- from:\n {8}- namespaceSelector:[\s\S]*port: 8080\n$/);
  });

  it('a peer that leaves out some of the pods (a NotIn or DoesNotExist) does not count as allowed', () => {
    // pods tier=front with a debug label are not matched by this peer, and the template's would match them
    const partial = `${POLICY}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: front\n          podSelector:\n            matchExpressions:\n              - key: debug\n                operator: DoesNotExist\n`;
    const ws = workspace({ ...files, 'policy.yaml': partial });
    const result = inputTemplateAction(context(ws, 'policy.yaml'), 10, { template: 'allowFromPods', labels: { tier: 'front' }, namespace: 'front' });
    assert.ok('action' in result, JSON.stringify(result));
  });

  it('an allow-all rule already allows everything', () => {
    const ws = workspace({ ...files, 'policy.yaml': `${POLICY}  ingress:\n    - {}\n` });
    const result = inputTemplateAction(context(ws, 'policy.yaml'), 10, { template: 'allowFromNamespace', namespace: 'front' });
    assert.ok('problem' in result && /already allows/.test(result.problem));
  });

  it('offers namespaces by known clients, then workloads, without its own or empty ones', () => {
    const ws = workspace({
      ...files,
      'more.yaml': [deployment('a', 'batch'), deployment('b', 'batch'), egressPolicy('web-out', 'front', 'web', '    - to:\n        - namespaceSelector: {}\n          podSelector:\n            matchLabels:\n              app: api\n')].join('---\n'),
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: empty\n',
    });
    const ctx = context(ws, 'policy.yaml');
    const target = templateTarget(ctx, 10);
    assert.ok(target);
    assert.deepEqual(
      namespaceChoices(ctx, target).map((c) => `${c.name}:${c.workloads}:${c.clients}`),
      ['front:1:1', 'batch:3:0', 'empty:0:0'],
    );
    assert.deepEqual(
      namespaceActions(ctx, 10).map((a) => a.title),
      ['Allow ingress to api from namespace front', 'Allow ingress to api from namespace batch'],
    );
    assert.deepEqual(labelChoices(ws.inventory(), 'front'), [
      { key: 'app', values: [{ value: 'web', workloads: 1 }] },
      { key: 'tier', values: [{ value: 'front', workloads: 1 }] },
    ]);
    assert.deepEqual(
      workloadChoices(ws.inventory(), target).map((w) => `${w.namespace}/${w.name} ${w.ports}`),
      ['shop/api TCP 8080', 'batch/a ', 'batch/b ', 'batch/jobs ', 'front/web TCP 80'],
    );
  });
});

describe('input checks', () => {
  it('CIDRs and excepts as the API server validates them', () => {
    assert.equal(cidrInputProblem('10.0.0.0/8', ['10.1.0.0/16']), undefined);
    assert.equal(cidrInputProblem('fd00::/8', ['fd00:1::/32']), undefined);
    // ParseCIDRSloppy: leading zeros are accepted, as kube-apiserver v1.34 does
    assert.equal(cidrInputProblem('010.0.0.0/8'), undefined);
    assert.match(cidrInputProblem('10.0.0.1') ?? '', /address, not a CIDR/);
    assert.match(cidrInputProblem('10.0.0.0/33') ?? '', /not a CIDR/);
    assert.match(cidrInputProblem('10.0.0.0/16', ['10.0.0.0/16']) ?? '', /not strictly inside/);
    assert.match(cidrInputProblem('10.0.0.0/16', ['10.1.0.0/24']) ?? '', /not strictly inside/);
    assert.match(cidrInputProblem('10.0.0.0/16', ['nope']) ?? '', /not a CIDR/);
  });

  it('port lists', () => {
    assert.deepEqual(parsePortList('TCP 443, udp 53, 8000-8100/SCTP, metrics'), [
      { protocol: 'TCP', port: 443 },
      { protocol: 'UDP', port: 53 },
      { protocol: 'SCTP', port: 8000, endPort: 8100 },
      { protocol: 'TCP', port: 'metrics' },
    ]);
    assert.deepEqual(parsePortList(''), []);
    assert.match(parsePortList('TCP 9000-80') as string, /not below 9000/);
    assert.match(parsePortList('TCP 0') as string, /port 0/);
    assert.match(parsePortList('TCP http_x') as string, /not a port/);
  });
});

describe('new policy file names', () => {
  const one = (fileName: string, name: string, namespace = 'shop'): { fileName: string; policies: { name: string; namespace: string }[] } => ({ fileName, policies: [{ name, namespace }] });
  const policy = { name: 'api-ingress', namespace: 'shop' };

  it('follow the folder: <name>, <namespace>-<name>, a prefix or a suffix, and its extension', () => {
    assert.equal(newPolicyFileName([one('default-deny.yaml', 'default-deny'), one('web.yaml', 'web')], new Set(), policy), 'api-ingress.yaml');
    assert.equal(newPolicyFileName([one('shop-default-deny.yaml', 'default-deny'), one('shop-web.yaml', 'web')], new Set(), policy), 'shop-api-ingress.yaml');
    assert.equal(newPolicyFileName([one('netpol-web.yml', 'web'), one('netpol-db.yml', 'db'), one('db.yml', 'db')], new Set(), policy), 'netpol-api-ingress.yml');
    assert.equal(newPolicyFileName([one('web.netpol.yaml', 'web')], new Set(), policy), 'api-ingress.netpol.yaml');
  });

  it('fall back to <policy-name>.yaml, and never take an existing name', () => {
    assert.equal(newPolicyFileName([{ fileName: 'all.yaml', policies: [policy, { name: 'x', namespace: 'shop' }] }], new Set(), policy), 'api-ingress.yaml');
    assert.equal(newPolicyFileName([], new Set(['api-ingress.yaml', 'API-INGRESS-2.yaml']), policy), 'api-ingress-3.yaml');
  });
});

describe('clients from elsewhere (the observed-flows seam)', () => {
  it('become peers after the manifests’ own, each set of pods once', () => {
    const ws = workspace({ 'api.yaml': deployment('api', 'shop', [8080]), 'web.yaml': deployment('web', 'front'), 'cron.yaml': deployment('cron', 'ops') });
    const inventory = ws.inventory();
    const web = inventory.workloads.find((w) => w.name === 'web');
    const cron = inventory.workloads.find((w) => w.name === 'cron');
    assert.ok(web && cron);
    const ctx: AuthoringContext = { ...context(ws, 'api.yaml'), extraClients: () => [{ workload: cron, evidence: 'observed flow' }, { workload: web, evidence: 'observed flow' }, { workload: cron, evidence: 'again' }] };
    const action = templateActions(ctx, 10).find((a) => a.id === 'createWorkloadPolicy');
    assert.ok(action);
    const text = applyEdits(ctx.text, action.edits);
    assert.match(text, /# Deployment ops\/cron \(its observed flow\)\n\s+- namespaceSelector:\n\s+matchLabels:\n\s+kubernetes.io\/metadata.name: ops\n\s+podSelector:\n\s+matchLabels:\n\s+app: cron\n\s+# Deployment front\/web/);
    assert.equal(text.match(/app: cron/g)?.length, 1);
    assert.doesNotMatch(text, /TODO/);
  });
});
