/**
 * A deterministic multi-namespace workspace: each namespace gets workloads (Deployments,
 * StatefulSets, DaemonSets, CronJobs), a default-deny, DNS egress and per-app allow policies, spread
 * over files the way real repositories are (one app per file, some multi-document files).
 */

import { seededRandom } from '../generateManifests';


export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
  readonly resources: number;
}

const KINDS = ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const;

function workload(kind: (typeof KINDS)[number], ns: string, app: string, tier: string, port: number): string {
  const podTemplate = `metadata:
      labels:
        app: ${app}
        tier: ${tier}
        app.kubernetes.io/part-of: ${ns}
    spec:
      containers:
        - name: ${app}
          image: registry.example.com/${ns}/${app}:1.${port % 17}.0
          ports:
            - name: http
              containerPort: ${port}
            - name: metrics
              containerPort: 9090`;
  const spec =
    kind === 'CronJob'
      ? `spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        ${podTemplate.replace(/\n/g, '\n    ')}`
      : `spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    ${podTemplate}`;
  return `apiVersion: ${kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}
kind: ${kind}
metadata:
  name: ${app}
  namespace: ${ns}
${spec}
`;
}

function allowPolicy(ns: string, app: string, from: string, port: number): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${app}-allow
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: ${app}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: ${from}
      ports:
        - port: ${port}
          protocol: TCP
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
`;
}

function denyAll(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
}

/**
 * About `resources` objects in about `files` files: a stream of documents (per namespace: the
 * Namespace and its default-deny, then a workload and its policy per app) cut into files of one
 * or more documents, so the documents-per-file ratio matches the one asked for.
 */
export function generateWorkspace(options: { files: number; resources: number; seed?: number }): GeneratedFile[] {
  const random = seededRandom(options.seed ?? 42);
  const appsPerNamespace = 20;
  const docs: { namespace: string; name: string; text: string }[] = [];
  for (let ns = 0; docs.length < options.resources; ns++) {
    const namespace = `team-${String(ns).padStart(4, '0')}`;
    docs.push({ namespace, name: 'namespace', text: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n  labels:\n    team: t${ns}\n` });
    docs.push({ namespace, name: 'default-deny', text: denyAll(namespace) });
    for (let a = 0; a < appsPerNamespace && docs.length < options.resources; a++) {
      const app = `svc-${a}`;
      const kind = KINDS[Math.floor(random() * KINDS.length)] ?? 'Deployment';
      const port = 8000 + Math.floor(random() * 1000);
      docs.push({ namespace, name: app, text: workload(kind, namespace, app, a % 3 === 0 ? 'web' : 'backend', port) });
      docs.push({ namespace, name: `${app}-policy`, text: allowPolicy(namespace, app, `svc-${(a + 1) % appsPerNamespace}`, port) });
    }
  }
  docs.length = options.resources;
  const out: GeneratedFile[] = [];
  const ratio = options.resources / options.files;
  let i = 0;
  while (i < docs.length) {
    const remainingFiles = options.files - out.length;
    const remainingDocs = docs.length - i;
    let n = Math.floor(ratio) + (random() < ratio - Math.floor(ratio) ? 1 : 0);
    n = Math.max(1, Math.min(n, remainingDocs - Math.max(0, remainingFiles - 1)));
    if (remainingFiles <= 1) n = remainingDocs;
    const chunk = docs.slice(i, i + n);
    const first = chunk[0]!;
    out.push({ path: `${first.namespace}/${first.name}.yaml`, text: chunk.map((d) => d.text).join('---\n'), resources: chunk.length });
    i += n;
  }
  return out;
}
