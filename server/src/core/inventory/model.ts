import type { OffsetRange } from '../model/finding';
import type { ManifestObject } from '../parse/manifest';
import type { LabelSelector, Labels } from '../selectors/labelSelector';

/** Where an inventory entry is defined: a file and the range of its metadata.name (or its first line). */
export interface SourceRef {
  readonly file: string;
  readonly range: OffsetRange;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Direction = 'ingress' | 'egress';

/** The automatic label every namespace carries (Kubernetes >= 1.21, NamespaceDefaultLabelName). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamespaceInfo {
  readonly name: string;
  /** the namespace's labels, always including kubernetes.io/metadata.name */
  readonly labels: Labels;
  /** defined by a Namespace object in the inputs, rather than implied by metadata.namespace */
  readonly explicit: boolean;
  readonly source: SourceRef | undefined;
}

export interface ContainerPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: Protocol;
}

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface Workload {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  /** the labels its pods carry (the pod template's, or the Pod's own) */
  readonly podLabels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly source: SourceRef;
  /** metadata.ownerReferences' controller entry (a Pod's ReplicaSet, a ReplicaSet's Deployment) */
  readonly owner?: OwnerReference;
}

/** The managing controller of an object (the ownerReference with controller: true). */
export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
}

export interface PolicyPort {
  readonly protocol: Protocol;
  /** false when protocol was omitted and TCP is assumed */
  readonly protocolExplicit: boolean;
  /** undefined: every port */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
}

export interface IPBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

export interface PolicyPeer {
  /** undefined when absent (null) */
  readonly podSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly ipBlock: IPBlock | undefined;
}

export interface PolicyRule {
  /** empty: every port (the field was absent or empty) */
  readonly ports: readonly PolicyPort[];
  /** empty: every peer (the field was absent or empty) */
  readonly peers: readonly PolicyPeer[];
}

export interface NetworkPolicyInfo {
  readonly name: string;
  readonly namespace: string;
  /** metadata.namespace was set (else the default namespace applies) */
  readonly namespaceExplicit: boolean;
  readonly podSelector: LabelSelector;
  /** policyTypes as written (empty when omitted) */
  readonly declaredPolicyTypes: readonly string[];
  /** policyTypes after API defaulting */
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly source: SourceRef;
  readonly object: ManifestObject;
}

export interface Inventory {
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyInfo[];
  readonly defaultNamespace: string;
  /** indexes of the two lists above by namespace, for rules that look within one namespace */
  readonly workloadsByNamespace: ReadonlyMap<string, readonly Workload[]>;
  readonly policiesByNamespace: ReadonlyMap<string, readonly NetworkPolicyInfo[]>;
}

export function isolates(policy: NetworkPolicyInfo, direction: Direction): boolean {
  return policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
}
