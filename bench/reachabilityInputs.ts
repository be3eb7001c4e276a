/**
 * Generated inputs for bench/reachability.ts: realistic namespaces of workloads and policies (a
 * default deny, DNS egress, per-workload ingress from web tiers and from partner namespaces,
 * egress to databases, caches and ipBlocks with excepts), as one manifest text per namespace.
 */

type Json = Record<string, unknown>;

const TIERS = ['web', 'api', 'db', 'cache'] as const;

function namespaceName(i: number): string {
  return `ns-${String(i).padStart(3, '0')}`;
}

function containerPorts(tier: (typeof TIERS)[number], j: number): Json[] {
  const ports: Json[] = [
    { name: 'http', containerPort: 8080 },
    { name: 'metrics', containerPort: 9090 },
  ];
  if (tier === 'db') ports.push({ name: 'pg', containerPort: 5432 });
  if (tier === 'cache') ports.push({ name: 'redis', containerPort: 6379 });
  if (j === 0) ports.push({ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 });
  return ports;
}

function podLabels(i: number, j: number): Record<string, string> {
  return { app: `w-${j}`, tier: TIERS[j % TIERS.length]!, team: `t${i % 10}` };
}

function policy(namespace: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** One namespace's policies: `count` of them (>= 2), selecting its `workloads` workloads in turn. */
function policies(i: number, workloads: number, count: number): Json[] {
  const ns = namespaceName(i);
  const out: Json[] = [
    policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespaceName(0) } }, podSelector: { matchLabels: { app: 'w-0' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
  ];
  for (let p = 2; p < count; p++) {
    const k = (p - 2) % workloads;
    const ingress: Json[] = [
      {
        from: [{ podSelector: { matchLabels: { tier: 'web' } } }, { namespaceSelector: { matchLabels: { team: `t${(i + 1) % 10}` } }, podSelector: { matchLabels: { tier: 'api' } } }],
        ports: [{ port: 'http' }, { port: 9090 }],
      },
    ];
    if (p % 5 === 0) ingress.push({ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] });
    const egress: Json[] = [
      { to: [{ podSelector: { matchLabels: { tier: 'db' } } }], ports: [{ port: 'pg' }] },
      { to: [{ namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['cache'] }] } }], ports: [{ port: 'redis' }, { port: 6380, endPort: 6390 }] },
    ];
    if (p % 6 === 0) egress.push({ to: [{ ipBlock: { cidr: `10.${i % 250}.0.0/16`, except: [`10.${i % 250}.${p % 250}.0/24`] } }], ports: [{ port: 443 }] });
    out.push(policy(ns, `w-${k}-p${p}`, { podSelector: { matchLabels: { app: `w-${k}` } }, policyTypes: ['Ingress', 'Egress'], ingress, egress }));
  }
  return out;
}

function text(docs: readonly Json[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

function namespaceObject(i: number): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceName(i), labels: { team: `t${i % 10}`, env: i % 2 === 0 ? 'prod' : 'dev' } } };
}

/** `namespaces` files, each with its Namespace, `perNamespace` Deployments and `policiesPerNamespace` policies. */
export function workloadInputs(namespaces: number, perNamespace: number, policiesPerNamespace: number): { file: string; text: string }[] {
  return Array.from({ length: namespaces }, (_, i) => {
    const ns = namespaceName(i);
    const docs: Json[] = [namespaceObject(i)];
    for (let j = 0; j < perNamespace; j++) {
      const labels = podLabels(i, j);
      docs.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `w-${j}`, namespace: ns },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'app:1', ports: containerPorts(TIERS[j % TIERS.length]!, j) }] } } },
      });
    }
    docs.push(...policies(i, perNamespace, policiesPerNamespace));
    return { file: `${ns}.yaml`, text: text(docs) };
  });
}

/**
 * Pods as a cluster snapshot has them: `podsPerWorkload` Pods per workload, each owned by the
 * workload's ReplicaSet (which the inputs do not define), so they group into one endpoint each.
 */
export function podInputs(namespaces: number, perNamespace: number, podsPerWorkload: number, policiesPerNamespace: number): { file: string; text: string }[] {
  return Array.from({ length: namespaces }, (_, i) => {
    const ns = namespaceName(i);
    const docs: Json[] = [namespaceObject(i)];
    for (let j = 0; j < perNamespace; j++) {
      const labels = { ...podLabels(i, j), 'pod-template-hash': '5d8f7' };
      for (let r = 0; r < podsPerWorkload; r++) {
        docs.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `w-${j}-5d8f7-${r}`,
            namespace: ns,
            labels,
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `w-${j}-5d8f7`, uid: `${i}-${j}`, controller: true }],
          },
          spec: { containers: [{ name: 'main', image: 'app:1', ports: containerPorts(TIERS[j % TIERS.length]!, j) }] },
        });
      }
    }
    docs.push(...policies(i, perNamespace, policiesPerNamespace));
    return { file: `${ns}.yaml`, text: text(docs) };
  });
}
