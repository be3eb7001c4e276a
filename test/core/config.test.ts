import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, GUARDRAIL_RULES, WorkspaceAnalysis, parseConfig, type GuardrailConfig } from '../../server/src/core';

const RULE_IDS = GUARDRAIL_RULES.map((r) => r.id);

function parse(text: string): ReturnType<typeof parseConfig> {
  return parseConfig(text, RULE_IDS);
}

/** Each finding as `ruleId: the text its range covers`. */
function located(text: string, findings: ReturnType<typeof parseConfig>['findings']): string[] {
  return findings.map((f) => `${f.ruleId}: ${text.slice(f.range.start, f.range.end)}`);
}

const WORKSPACE: Readonly<Record<string, string>> = {
  'namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
`,
  'shop.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  namespace: shop
spec:
  selector:
    matchLabels:
      app: legacy
  template:
    metadata:
      labels:
        app: legacy
        owner: migration
    spec:
      containers:
        - name: legacy
          image: ghcr.io/example/legacy:0.9
`,
  'ingress-nginx.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ingress-nginx
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ingress-nginx
        app.kubernetes.io/component: controller
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.12.0
          ports:
            - name: https
              containerPort: 443
              protocol: TCP
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: controller
  namespace: ingress-nginx
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ingress-nginx
      app.kubernetes.io/component: controller
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: https
          protocol: TCP
`,
};

/** `ruleId namespace/name-ish` for every guardrail finding of the workspace under a config. */
function guardrailFindings(config: GuardrailConfig): string[] {
  const workspace = new WorkspaceAnalysis(config);
  for (const [file, text] of Object.entries(WORKSPACE)) workspace.update(file, text);
  const out: string[] = [];
  for (const [file, list] of workspace.findings()) {
    const text = WORKSPACE[file] ?? '';
    for (const f of list) out.push(`${f.ruleId} ${file}:${text.slice(f.range.start, f.range.end)}`);
  }
  return out.sort();
}

describe('configuration: parseConfig', () => {
  it('reads a valid file: default namespace, severities, off, options, exemptions, selectors', () => {
    const text = `defaultNamespace: apps
rules:
  protocol-omitted: off
  missing-default-deny:
    severity: error
    options: { directions: [ingress] }
  public-cidr:
    options: { allowedCidrs: [203.0.113.0/24] }
exemptions:
  - namespaces: [kube-system]
    reason: managed by the platform
  - podSelector: { matchLabels: { app.kubernetes.io/name: ingress-nginx } }
    rules: [allow-all-ingress]
selectors:
  dns:
    namespace: dns-system
    podSelector: { matchLabels: { app: coredns } }
    port: 5353
`;
    const { config, findings } = parse(text);
    assert.deepEqual(findings, []);
    assert.equal(config.defaultNamespace, 'apps');
    assert.deepEqual(config.rules['protocol-omitted'], { severity: 'off' });
    assert.deepEqual(config.rules['missing-default-deny'], { severity: 'error', options: { directions: ['ingress'] } });
    assert.deepEqual(config.rules['public-cidr'], { options: { allowedCidrs: ['203.0.113.0/24'] } });
    assert.equal(config.exemptions.length, 2);
    assert.deepEqual(config.exemptions[0], { namespaces: ['kube-system'], podSelector: undefined, rules: undefined });
    assert.deepEqual(config.exemptions[1]?.rules, ['allow-all-ingress']);
    assert.deepEqual(config.selectors.dns, { namespace: 'dns-system', podSelector: { matchLabels: { app: 'coredns' }, matchExpressions: [] }, port: 5353 });
    assert.deepEqual(config.selectors.ingressController, DEFAULT_CONFIG.selectors.ingressController);
  });

  it('an empty file is the defaults', () => {
    assert.deepEqual(parse(''), { config: DEFAULT_CONFIG, findings: [] });
    assert.deepEqual(parse('# nothing configured yet\n'), { config: DEFAULT_CONFIG, findings: [] });
  });

  it('reports an unknown rule at its key, listing the known ones, and keeps the rest', () => {
    const text = `rules:
  alow-all-ingress: off
  protocol-omitted: off
`;
    const { config, findings } = parse(text);
    assert.deepEqual(located(text, findings), ['config-invalid: alow-all-ingress']);
    assert.match(findings[0]!.message, /^Unknown rule "alow-all-ingress": known rules are missing-default-deny, /);
    assert.deepEqual(config.rules, { 'protocol-omitted': { severity: 'off' } });
  });

  it('API validation ids are not configurable rules', () => {
    const text = 'rules:\n  api-invalid: off\n';
    assert.deepEqual(located(text, parse(text).findings), ['config-invalid: api-invalid']);
  });

  it('a bad severity is a finding at the value; that rule keeps its default, the others apply', () => {
    const text = `rules:
  allow-all-ingress: loud
  protocol-omitted: off
`;
    const { config, findings } = parse(text);
    assert.deepEqual(located(text, findings), ['config-invalid: loud'], 'one finding for the value, not one per schema branch');
    assert.equal(findings[0]!.severity, 'error');
    assert.equal(
      findings[0]!.message,
      'rules.allow-all-ingress: must be one of error, warning, info, hint, off (or a map with severity and options). The default applies instead.',
    );
    assert.equal(config.rules['allow-all-ingress'], undefined);
    assert.deepEqual(config.rules['protocol-omitted'], { severity: 'off' });
    // through the workspace: allow-all-ingress still reports at its default severity
    const allowAll = guardrailFindings(config).filter((f) => f.startsWith('allow-all-ingress'));
    assert.equal(allowAll.length, 1);
    const workspace = new WorkspaceAnalysis(config);
    for (const [file, body] of Object.entries(WORKSPACE)) workspace.update(file, body);
    const severities = [...workspace.findings().values()].flat().filter((f) => f.ruleId === 'allow-all-ingress').map((f) => f.severity);
    assert.deepEqual(severities, ['warning']);
  });

  it('an unknown setting is reported at its key; the rest of the file applies', () => {
    const text = `defaultNamespace: apps
exemption:
  - namespaces: [kube-system]
`;
    const { config, findings } = parse(text);
    assert.deepEqual(located(text, findings), ['config-invalid: exemption']);
    assert.match(findings[0]!.message, /Unknown setting "exemption"/);
    assert.equal(config.defaultNamespace, 'apps');
  });

  it('a YAML syntax error is a finding, and the defaults apply', () => {
    const text = `rules:
  protocol-omitted: off
   allow-all-ingress: error
`;
    const { config, findings } = parse(text);
    assert.ok(findings.length >= 1);
    assert.ok(findings.every((f) => f.ruleId === 'config-invalid' && f.message.startsWith('YAML syntax error:')));
    assert.deepEqual(config, DEFAULT_CONFIG);
  });

  it('a duplicate key is a syntax error too', () => {
    const text = 'rules:\n  protocol-omitted: off\n  protocol-omitted: info\n';
    const { config, findings } = parse(text);
    assert.ok(findings.some((f) => f.ruleId === 'config-invalid'));
    assert.deepEqual(config, DEFAULT_CONFIG);
  });

  it('reads `off` as the string off (YAML 1.2), not as false', () => {
    const { config, findings } = parse('rules:\n  host-network-workload: off\n');
    assert.deepEqual(findings, []);
    assert.deepEqual(config.rules['host-network-workload'], { severity: 'off' });
  });
});

describe('configuration: applied through WorkspaceAnalysis', () => {
  const baseline = guardrailFindings(DEFAULT_CONFIG);

  it('the baseline has findings in both namespaces', () => {
    assert.deepEqual(baseline, [
      'allow-all-ingress ingress-nginx.yaml:ports:',
      'missing-default-deny namespaces.yaml:ingress-nginx',
      'missing-default-deny namespaces.yaml:ingress-nginx',
      'missing-default-deny namespaces.yaml:shop',
      'missing-default-deny namespaces.yaml:shop',
      'workload-not-isolated ingress-nginx.yaml:ingress-nginx-controller',
      'workload-not-isolated shop.yaml:legacy',
      'workload-not-isolated shop.yaml:web',
    ]);
  });

  it('off switches a rule off, a severity replaces its default', () => {
    const { config } = parse('rules:\n  missing-default-deny: off\n  workload-not-isolated: error\n');
    const workspace = new WorkspaceAnalysis(config);
    for (const [file, text] of Object.entries(WORKSPACE)) workspace.update(file, text);
    const all = [...workspace.findings().values()].flat();
    assert.ok(!all.some((f) => f.ruleId === 'missing-default-deny'));
    assert.deepEqual([...new Set(all.filter((f) => f.ruleId === 'workload-not-isolated').map((f) => f.severity))], ['error']);
  });

  it('rule options replace the defaults', () => {
    const { config } = parse('rules:\n  missing-default-deny:\n    options: { directions: [egress] }\n');
    assert.equal(guardrailFindings(config).filter((f) => f.startsWith('missing-default-deny')).length, 2);
  });

  it('an exemption by namespace silences every guardrail there', () => {
    const { config, findings } = parse('exemptions:\n  - namespaces: [ingress-nginx]\n    reason: the platform team owns it\n');
    assert.deepEqual(findings, []);
    assert.deepEqual(
      guardrailFindings(config),
      baseline.filter((f) => !f.includes('ingress-nginx')),
    );
  });

  it('an exemption by namespace and rules silences only those rules there', () => {
    const { config } = parse('exemptions:\n  - namespaces: [shop]\n    rules: [missing-default-deny]\n');
    assert.deepEqual(
      guardrailFindings(config),
      baseline.filter((f) => f !== 'missing-default-deny namespaces.yaml:shop'),
    );
  });

  it('an exemption by podSelector silences findings about the pods it matches', () => {
    const { config } = parse('exemptions:\n  - podSelector: { matchLabels: { owner: migration } }\n    rules: [workload-not-isolated]\n');
    assert.deepEqual(
      guardrailFindings(config),
      baseline.filter((f) => f !== 'workload-not-isolated shop.yaml:legacy'),
    );
  });

  it("an exemption by podSelector also covers a policy whose pods all match it (the ingress controller's own policy)", () => {
    const { config } = parse('exemptions:\n  - podSelector: { matchLabels: { app.kubernetes.io/name: ingress-nginx } }\n    rules: [allow-all-ingress]\n');
    assert.deepEqual(
      guardrailFindings(config),
      baseline.filter((f) => !f.startsWith('allow-all-ingress')),
    );
  });

  it('an exemption by podSelector does not cover a policy that may select other pods', () => {
    const { config } = parse('exemptions:\n  - podSelector: { matchLabels: { app.kubernetes.io/component: webhook } }\n  - podSelector: { matchExpressions: [{ key: canary, operator: DoesNotExist }] }\n');
    assert.ok(guardrailFindings(config).includes('allow-all-ingress ingress-nginx.yaml:ports:'));
  });

  it('defaultNamespace places objects without metadata.namespace', () => {
    const { config } = parse('defaultNamespace: shop\n');
    const workspace = new WorkspaceAnalysis(config);
    workspace.update('deny.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n');
    for (const [file, text] of Object.entries(WORKSPACE)) workspace.update(file, text);
    const all = [...workspace.findings().values()].flat();
    assert.ok(all.some((f) => f.ruleId === 'namespace-missing' && f.message.includes('taken as "shop"')));
    assert.equal(all.filter((f) => f.ruleId === 'missing-default-deny').length, 2, 'shop now has its default deny');
  });
});
