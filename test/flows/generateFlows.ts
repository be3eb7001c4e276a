/**
 * Simulated traffic of a realistic multi-namespace application, for the flow import tests, the
 * check tests, synthesis and the benchmarks: an ingress controller taking traffic from the
 * internet, a front end, APIs, databases and a cache, a payments service calling an external
 * payment provider, DNS to kube-system/kube-dns from every workload, Prometheus scraping metrics
 * (and a node-exporter DaemonSet), a debugging Pod, internet scanners (dropped), and flows the
 * cluster's policies dropped.
 *
 * Observations are drawn from a seeded PRNG (bench/generateManifests.ts's) and written as:
 * - Hubble's `hubble observe -o json` lines, following Cilium's api/v1/flow/flow.proto field names
 *   as Hubble prints them (proto names, enum names, RFC 3339 times with nanoseconds), half of them
 *   in the `{"flow": ..., "node_name", "time"}` wrapper with `workloads`, half bare without; with
 *   reply packets, ICMP, node status lines and a few broken lines mixed in, as `hubble observe`
 *   output has;
 * - the generic format (docs/flows.md), JSON lines and CSV: one row per connection and hour;
 * together with the manifests of the workloads and the ground truth the aggregation must give.
 */
import { seededRandom } from '../../bench/generateManifests';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';
export type Protocol = 'TCP' | 'UDP';

export interface AppWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind;
  readonly labels: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: Protocol }[];
}

export interface AppPod {
  readonly workload: AppWorkload;
  readonly name: string;
  readonly ip: string;
  readonly node: string;
}

/** One side of a planned connection: a workload, or external addresses (one drawn per flow). */
export type Side = { readonly workload: string } | { readonly external: readonly string[] };

export interface PlannedConnection {
  readonly source: Side;
  readonly destination: Side;
  readonly protocol: Protocol;
  readonly port: number;
  /** relative frequency */
  readonly weight: number;
  readonly verdict: 'forwarded' | 'dropped';
  /** what the connection is, for test messages */
  readonly role: string;
}

export interface TrafficPlan {
  readonly workloads: readonly AppWorkload[];
  readonly pods: readonly AppPod[];
  readonly connections: readonly PlannedConnection[];
  /** the workloads' manifests (Namespaces, Deployments, StatefulSets, DaemonSets, a Pod); no policies */
  readonly manifests: string;
}

/** One observed flow. */
export interface Observation {
  readonly connection: number;
  readonly source: AppPod | string;
  readonly destination: AppPod | string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly verdict: 'forwarded' | 'dropped';
  /** epoch ms */
  readonly time: number;
  /** sub-millisecond part, for Hubble's nanosecond times */
  readonly nanos: number;
}

/** What aggregating the observations must give, per (source, destination, protocol, port). */
export interface ExpectedFlow {
  /** `namespace/workload` or an address */
  readonly source: string;
  readonly destination: string;
  readonly protocol: Protocol;
  readonly port: number;
  forwarded: number;
  dropped: number;
  firstSeen: number;
  lastSeen: number;
}

export const START = Date.UTC(2026, 11, 1, 0, 0, 0);
export const HOUR = 3_600_000;
/** the external payment provider's addresses */
export const PAYMENT_PROVIDER = ['198.51.100.10', '198.51.100.11'] as const;

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function workload(namespace: string, name: string, kind: WorkloadKind, replicas: number, labels: Record<string, string>, ports: AppWorkload['ports']): AppWorkload {
  return { namespace, name, kind, replicas, labels, ports };
}

const HTTP = { name: 'http', port: 8080, protocol: 'TCP' } as const;
const METRICS = { name: 'metrics', port: 9090, protocol: 'TCP' } as const;

function appWorkloads(): AppWorkload[] {
  const app = (name: string, tier: string, part = 'shop'): Record<string, string> => ({ app: name, tier, 'app.kubernetes.io/part-of': part });
  return [
    workload('ingress-nginx', 'ingress-nginx-controller', 'Deployment', 2, { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }, [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'https', port: 443, protocol: 'TCP' },
      { name: 'metrics', port: 10254, protocol: 'TCP' },
    ]),
    workload('web', 'frontend', 'Deployment', 3, app('frontend', 'frontend'), [HTTP, METRICS]),
    workload('shop', 'catalog-api', 'Deployment', 2, app('catalog-api', 'backend'), [HTTP, METRICS]),
    workload('shop', 'orders-api', 'Deployment', 2, app('orders-api', 'backend'), [HTTP, METRICS]),
    workload('shop', 'cart', 'Deployment', 2, app('cart', 'backend'), [HTTP, METRICS]),
    workload('data', 'orders-db', 'StatefulSet', 2, app('orders-db', 'data'), [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
    workload('data', 'catalog-db', 'StatefulSet', 1, app('catalog-db', 'data'), [{ name: 'postgres', port: 5432, protocol: 'TCP' }]),
    workload('data', 'cache', 'StatefulSet', 3, app('cache', 'data'), [{ name: 'redis', port: 6379, protocol: 'TCP' }]),
    workload('payments', 'payments-api', 'Deployment', 2, app('payments-api', 'backend', 'payments'), [{ name: 'https', port: 8443, protocol: 'TCP' }, METRICS]),
    workload('kube-system', 'coredns', 'Deployment', 2, { 'k8s-app': 'kube-dns' }, [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ]),
    workload('monitoring', 'prometheus', 'StatefulSet', 1, { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', port: 9090, protocol: 'TCP' }]),
    workload('monitoring', 'node-exporter', 'DaemonSet', 3, { 'app.kubernetes.io/name': 'node-exporter' }, [{ name: 'metrics', port: 9100, protocol: 'TCP' }]),
    workload('default', 'debug-shell', 'Pod', 1, { run: 'debug-shell' }, []),
  ];
}

function id(w: AppWorkload): string {
  return `${w.namespace}/${w.name}`;
}

function plannedConnections(workloads: readonly AppWorkload[]): PlannedConnection[] {
  const w = (ref: string): Side => ({ workload: ref });
  const clients = Array.from({ length: 40 }, (_, i) => `203.0.113.${10 + i}`);
  const scanners = ['192.0.2.66', '192.0.2.99', '2001:db8:bad::7'];
  const out: PlannedConnection[] = [
    { source: { external: clients }, destination: w('ingress-nginx/ingress-nginx-controller'), protocol: 'TCP', port: 443, weight: 30, verdict: 'forwarded', role: 'internet clients to the ingress (HTTPS)' },
    { source: { external: clients }, destination: w('ingress-nginx/ingress-nginx-controller'), protocol: 'TCP', port: 80, weight: 4, verdict: 'forwarded', role: 'internet clients to the ingress (HTTP)' },
    { source: w('ingress-nginx/ingress-nginx-controller'), destination: w('web/frontend'), protocol: 'TCP', port: 8080, weight: 30, verdict: 'forwarded', role: 'ingress to the front end' },
    { source: w('web/frontend'), destination: w('shop/catalog-api'), protocol: 'TCP', port: 8080, weight: 18, verdict: 'forwarded', role: 'front end to the catalog' },
    { source: w('web/frontend'), destination: w('shop/orders-api'), protocol: 'TCP', port: 8080, weight: 8, verdict: 'forwarded', role: 'front end to orders' },
    { source: w('web/frontend'), destination: w('shop/cart'), protocol: 'TCP', port: 8080, weight: 10, verdict: 'forwarded', role: 'front end to the cart' },
    { source: w('shop/catalog-api'), destination: w('data/catalog-db'), protocol: 'TCP', port: 5432, weight: 14, verdict: 'forwarded', role: 'catalog to its database' },
    { source: w('shop/orders-api'), destination: w('data/orders-db'), protocol: 'TCP', port: 5432, weight: 8, verdict: 'forwarded', role: 'orders to their database' },
    { source: w('shop/cart'), destination: w('data/cache'), protocol: 'TCP', port: 6379, weight: 12, verdict: 'forwarded', role: 'cart to the cache' },
    { source: w('shop/catalog-api'), destination: w('data/cache'), protocol: 'TCP', port: 6379, weight: 6, verdict: 'forwarded', role: 'catalog to the cache' },
    { source: w('shop/orders-api'), destination: w('payments/payments-api'), protocol: 'TCP', port: 8443, weight: 4, verdict: 'forwarded', role: 'orders to payments' },
    { source: w('payments/payments-api'), destination: { external: PAYMENT_PROVIDER }, protocol: 'TCP', port: 443, weight: 4, verdict: 'forwarded', role: 'payments to the external payment provider' },
    // flows the cluster's policies dropped
    { source: w('shop/cart'), destination: w('data/orders-db'), protocol: 'TCP', port: 5432, weight: 1, verdict: 'dropped', role: 'cart to the orders database (dropped)' },
    { source: w('web/frontend'), destination: w('data/cache'), protocol: 'TCP', port: 6379, weight: 1, verdict: 'dropped', role: 'front end to the cache (dropped)' },
    { source: { external: scanners }, destination: w('ingress-nginx/ingress-nginx-controller'), protocol: 'TCP', port: 22, weight: 1, verdict: 'dropped', role: 'scanners on SSH (dropped)' },
    { source: { external: scanners }, destination: w('ingress-nginx/ingress-nginx-controller'), protocol: 'TCP', port: 3389, weight: 1, verdict: 'dropped', role: 'scanners on RDP (dropped)' },
    // noise: someone's debugging Pod
    { source: w('default/debug-shell'), destination: w('shop/orders-api'), protocol: 'TCP', port: 8080, weight: 0.2, verdict: 'forwarded', role: 'a debugging pod calling orders' },
  ];
  for (const x of workloads) {
    // DNS from every workload with a client role (the DNS servers and the node exporter make none)
    if (x.name === 'coredns' || x.name === 'node-exporter') continue;
    out.push({ source: w(id(x)), destination: w('kube-system/coredns'), protocol: 'UDP', port: 53, weight: 6, verdict: 'forwarded', role: `${id(x)} DNS` });
    if (x.name === 'payments-api' || x.name === 'frontend') out.push({ source: w(id(x)), destination: w('kube-system/coredns'), protocol: 'TCP', port: 53, weight: 0.3, verdict: 'forwarded', role: `${id(x)} DNS over TCP` });
    // Prometheus scrapes every metrics port
    for (const p of x.ports) {
      if (p.name === 'metrics' && x.name !== 'node-exporter') out.push({ source: w('monitoring/prometheus'), destination: w(id(x)), protocol: 'TCP', port: p.port, weight: 2, verdict: 'forwarded', role: `scrape ${id(x)}` });
    }
  }
  out.push({ source: w('monitoring/prometheus'), destination: w('monitoring/node-exporter'), protocol: 'TCP', port: 9100, weight: 3, verdict: 'forwarded', role: 'scrape the node exporter' });
  return out;
}

function manifestsOf(workloads: readonly AppWorkload[]): string {
  const docs: string[] = [];
  for (const namespace of [...new Set(workloads.map((w) => w.namespace))]) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n  labels:\n    kubernetes.io/metadata.name: ${namespace}`);
  }
  for (const w of workloads) {
    const labels = Object.entries(w.labels).map(([k, v]) => `${k}: ${v}`);
    const ports = w.ports.length === 0 ? '' : `\n        ports:\n${w.ports.map((p) => `        - name: ${p.name}\n          containerPort: ${p.port}\n          protocol: ${p.protocol}`).join('\n')}`;
    if (w.kind === 'Pod') {
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${w.name}\n  namespace: ${w.namespace}\n  labels:\n${labels.map((l) => `    ${l}`).join('\n')}\nspec:\n  containers:\n  - name: ${w.name}\n    image: busybox:1.36${ports.replace(/\n {6}/g, '\n    ')}`);
      continue;
    }
    const replicas = w.kind === 'DaemonSet' ? '' : `\n  replicas: ${w.replicas}`;
    const serviceName = w.kind === 'StatefulSet' ? `\n  serviceName: ${w.name}` : '';
    docs.push(
      `apiVersion: apps/v1\nkind: ${w.kind}\nmetadata:\n  name: ${w.name}\n  namespace: ${w.namespace}\nspec:${replicas}${serviceName}\n  selector:\n    matchLabels:\n${labels.map((l) => `      ${l}`).join('\n')}\n  template:\n    metadata:\n      labels:\n${labels.map((l) => `        ${l}`).join('\n')}\n    spec:\n      containers:\n      - name: ${w.name}\n        image: registry.example.com/${w.name}:1.0${ports}`,
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

function suffix(rnd: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[Math.floor(rnd() * SAFE.length)];
  return out;
}

/** The application: workloads, their pods (named as their controllers name them), connections, manifests. */
export function trafficPlan(seed = 1): TrafficPlan {
  const rnd = seededRandom(seed);
  const workloads = appWorkloads();
  const pods: AppPod[] = [];
  let n = 0;
  for (const w of workloads) {
    const hash = suffix(rnd, 10);
    for (let i = 0; i < w.replicas; i++) {
      n++;
      const name = w.kind === 'Deployment' ? `${w.name}-${hash}-${suffix(rnd, 5)}` : w.kind === 'StatefulSet' ? `${w.name}-${i}` : w.kind === 'DaemonSet' ? `${w.name}-${suffix(rnd, 5)}` : w.name;
      const node = `worker-${(n % 3) + 1}`;
      pods.push({ workload: w, name, ip: `10.244.${(n % 3) + 1}.${10 + n}`, node });
    }
  }
  return { workloads, pods, connections: plannedConnections(workloads), manifests: manifestsOf(workloads) };
}

/** `count` observations over `hours` from START, in time order. */
export function* observations(plan: TrafficPlan, count: number, seed = 2, hours = 24): Generator<Observation> {
  const rnd = seededRandom(seed);
  const total = plan.connections.reduce((sum, c) => sum + c.weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const c of plan.connections) cumulative.push((sum += c.weight / total));
  const podsOf = new Map<string, AppPod[]>();
  for (const p of plan.pods) {
    const key = id(p.workload);
    const list = podsOf.get(key);
    if (list) list.push(p);
    else podsOf.set(key, [p]);
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const side = (s: Side): AppPod | string => ('workload' in s ? pick(podsOf.get(s.workload)!) : pick(s.external));
  const span = hours * HOUR;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    let c = cumulative.findIndex((v) => r < v);
    if (c < 0) c = cumulative.length - 1;
    const connection = plan.connections[c]!;
    yield {
      connection: c,
      source: side(connection.source),
      destination: side(connection.destination),
      protocol: connection.protocol,
      port: connection.port,
      verdict: connection.verdict,
      time: START + Math.floor((i * span) / count) + Math.floor(rnd() * 1000),
      nanos: Math.floor(rnd() * 1e6),
    };
  }
}

function sideId(side: AppPod | string): string {
  return typeof side === 'string' ? side : id(side.workload);
}

/** The ground truth: the observations aggregated by hand. */
export function expectedFlows(observed: Iterable<Observation>): ExpectedFlow[] {
  const out = new Map<string, ExpectedFlow>();
  for (const o of observed) {
    const source = sideId(o.source);
    const destination = sideId(o.destination);
    const key = `${source} ${destination} ${o.protocol} ${o.port}`;
    let flow = out.get(key);
    if (!flow) out.set(key, (flow = { source, destination, protocol: o.protocol, port: o.port, forwarded: 0, dropped: 0, firstSeen: o.time, lastSeen: o.time }));
    flow[o.verdict]++;
    flow.firstSeen = Math.min(flow.firstSeen, o.time);
    flow.lastSeen = Math.max(flow.lastSeen, o.time);
  }
  return [...out.values()].sort((a, b) => cmp(a.source, b.source) || cmp(a.destination, b.destination) || cmp(a.protocol, b.protocol) || a.port - b.port);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- Hubble ---------------------------------------------------------------------------------

function rfc3339(ms: number, nanos: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(nanos).padStart(6, '0')}Z`;
}

function hubbleEndpoint(side: AppPod | string, withWorkloads: boolean): Record<string, unknown> {
  if (typeof side === 'string') return { identity: 2, labels: ['reserved:world'] };
  const w = side.workload;
  const labels = [
    ...Object.entries(w.labels).map(([k, v]) => `k8s:${k}=${v}`),
    `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${w.namespace}`,
    'k8s:io.cilium.k8s.policy.cluster=default',
    `k8s:io.cilium.k8s.policy.serviceaccount=${w.kind === 'Pod' ? 'default' : w.name}`,
    `k8s:io.kubernetes.pod.namespace=${w.namespace}`,
  ].sort();
  const endpoint: Record<string, unknown> = { ID: 1000 + (side.ip.split('.').map(Number)[3] ?? 0), identity: 10000 + w.name.length * 97 + w.namespace.length, namespace: w.namespace, labels, pod_name: side.name };
  if (withWorkloads && w.kind !== 'Pod') endpoint['workloads'] = [{ name: w.name, kind: w.kind }];
  return endpoint;
}

function ipOf(side: AppPod | string): string {
  return typeof side === 'string' ? side : side.ip;
}

/** One observation as `hubble observe -o json` prints it; `reply` gives the reply packet instead. */
export function hubbleFlow(o: Observation, form: { readonly wrapped: boolean; readonly reply?: boolean }): string {
  const reply = form.reply === true;
  const [src, dst] = reply ? [o.destination, o.source] : [o.source, o.destination];
  const external = typeof o.destination === 'string';
  const direction = typeof o.source === 'string' ? 'INGRESS' : external || o.time % 2 === 0 ? 'EGRESS' : 'INGRESS';
  const observedOn = typeof src === 'string' || direction === 'INGRESS' ? dst : src;
  const node = typeof observedOn === 'string' ? 'worker-1' : observedOn.node;
  const ephemeral = 32768 + (o.nanos % 28000);
  const [sport, dport] = reply ? [o.port, ephemeral] : [ephemeral, o.port];
  const ipv6 = ipOf(src).includes(':') || ipOf(dst).includes(':');
  const l4 = o.protocol === 'TCP' ? { TCP: { source_port: sport, destination_port: dport, flags: reply ? { SYN: true, ACK: true } : { SYN: true } } } : { UDP: { source_port: sport, destination_port: dport } };
  const time = rfc3339(o.time, o.nanos);
  const flow: Record<string, unknown> = {
    time,
    uuid: `${o.time.toString(16)}-${o.nanos.toString(16)}`,
    verdict: o.verdict === 'dropped' ? 'DROPPED' : 'FORWARDED',
    ...(o.verdict === 'dropped' ? { drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' } : {}),
    ethernet: { source: '0a:58:0a:f4:01:05', destination: '0a:58:0a:f4:01:01' },
    IP: { source: ipOf(src), destination: ipOf(dst), ipVersion: ipv6 ? 'IPv6' : 'IPv4' },
    l4,
    source: hubbleEndpoint(src, form.wrapped),
    destination: hubbleEndpoint(dst, form.wrapped),
    Type: 'L3_L4',
    node_name: node,
    event_type: { type: o.verdict === 'dropped' ? 1 : 4, sub_type: o.verdict === 'dropped' ? 133 : 3 },
    traffic_direction: direction,
    ...(o.verdict === 'dropped' ? {} : { trace_observation_point: direction === 'EGRESS' ? 'TO_STACK' : 'TO_ENDPOINT' }),
    is_reply: reply,
    interface: { index: 12, name: 'lxc1a2b3c4d5e6f' },
    Summary: o.protocol === 'TCP' ? `TCP Flags: ${reply ? 'SYN, ACK' : 'SYN'}` : 'UDP',
  };
  return JSON.stringify(form.wrapped ? { flow, node_name: node, time } : flow);
}

export interface HubbleLine {
  readonly text: string;
  /** 'flow' lines are the observations, in order; the others must be skipped or reported */
  readonly kind: 'flow' | 'reply' | 'icmp' | 'status' | 'malformed';
}

/**
 * Hubble output for the observations: each as a flow line, and, mixed in, reply packets (every
 * seventh TCP flow), ICMP echo requests, node status lines and (with `malformedEvery`) truncated
 * lines, as a half-written file or a broken pipe leaves them.
 */
export function* hubbleLines(observed: Iterable<Observation>, options: { readonly malformedEvery?: number } = {}): Generator<HubbleLine> {
  let i = 0;
  yield { text: JSON.stringify({ node_status: { state_change: 'NODE_CONNECTED', node_names: ['worker-1', 'worker-2', 'worker-3'], message: 'Connected' }, node_name: 'worker-1', time: rfc3339(START, 0) }), kind: 'status' };
  for (const o of observed) {
    i++;
    const wrapped = i % 2 === 0;
    const text = hubbleFlow(o, { wrapped });
    yield { text, kind: 'flow' };
    if (o.protocol === 'TCP' && o.verdict === 'forwarded' && i % 7 === 0) yield { text: hubbleFlow(o, { wrapped, reply: true }), kind: 'reply' };
    if (i % 50 === 0 && typeof o.source !== 'string' && typeof o.destination !== 'string') {
      const icmp = JSON.parse(text) as Record<string, Record<string, unknown>>;
      const flow = (wrapped ? icmp['flow'] : icmp) as Record<string, unknown>;
      flow['l4'] = { ICMPv4: { type: 8 } };
      flow['Summary'] = 'ICMPv4 EchoRequest';
      yield { text: JSON.stringify(icmp), kind: 'icmp' };
    }
    if (options.malformedEvery !== undefined && i % options.malformedEvery === 0) yield { text: text.slice(0, Math.floor(text.length / 2)), kind: 'malformed' };
  }
}

// ---- the generic format ---------------------------------------------------------------------

export interface GenericRow {
  readonly source: AppPod | string;
  readonly destination: AppPod | string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly verdict: 'forwarded' | 'dropped';
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/** The observations as a flow exporter would summarise them: one row per connection, verdict and hour. */
export function genericRows(observed: Iterable<Observation>): GenericRow[] {
  const rows = new Map<string, GenericRow>();
  for (const o of observed) {
    const key = `${sideId(o.source)} ${sideId(o.destination)} ${o.protocol} ${o.port} ${o.verdict} ${Math.floor((o.time - START) / HOUR)}`;
    const row = rows.get(key);
    if (!row) rows.set(key, { source: o.source, destination: o.destination, protocol: o.protocol, port: o.port, verdict: o.verdict, count: 1, firstSeen: o.time, lastSeen: o.time });
    else {
      row.count++;
      row.firstSeen = Math.min(row.firstSeen, o.time);
      row.lastSeen = Math.max(row.lastSeen, o.time);
    }
  }
  return [...rows.values()];
}

/** JSON lines: workloads as `namespace/name` text or, every other row, as objects with labels. */
export function genericJsonLines(rows: readonly GenericRow[]): string[] {
  const endpoint = (side: AppPod | string, object: boolean): unknown => {
    if (typeof side === 'string') return object ? { ip: side } : side;
    const w = side.workload;
    return object ? { namespace: w.namespace, workload: w.name, kind: w.kind, labels: w.labels } : `${w.namespace}/${w.name}`;
  };
  return rows.map((r, i) =>
    JSON.stringify({
      source: endpoint(r.source, i % 2 === 1),
      destination: endpoint(r.destination, i % 2 === 1),
      protocol: r.protocol,
      port: r.port,
      count: r.count,
      first_seen: new Date(r.firstSeen).toISOString(),
      last_seen: i % 3 === 0 ? r.lastSeen / 1000 : new Date(r.lastSeen).toISOString(),
      verdict: r.verdict,
    }),
  );
}

/** CSV with a header: `namespace/Kind/name` for every third workload, labels as `k=v;k=v`. */
export function genericCsvLines(rows: readonly GenericRow[]): string[] {
  const text = (side: AppPod | string, i: number): string => (typeof side === 'string' ? side : i % 3 === 0 ? `${side.workload.namespace}/${side.workload.kind}/${side.workload.name}` : `${side.workload.namespace}/${side.workload.name}`);
  const labels = (side: AppPod | string): string => (typeof side === 'string' ? '' : `"${Object.entries(side.workload.labels).map(([k, v]) => `${k}=${v}`).join(';')}"`);
  return [
    'source,destination,protocol,port,count,first_seen,last_seen,verdict,source_labels,destination_labels',
    ...rows.map((r, i) => [text(r.source, i), text(r.destination, i), r.protocol, r.port, r.count, new Date(r.firstSeen).toISOString(), new Date(r.lastSeen).toISOString(), r.verdict, labels(r.source), labels(r.destination)].join(',')),
  ];
}
