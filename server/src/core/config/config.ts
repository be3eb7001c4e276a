import type { Severity } from '../model/finding';
import type { LabelSelector } from '../selectors/labelSelector';

/** Per-rule configuration: its severity (or off) and options over the rule's defaults. */
export interface RuleSetting {
  readonly severity?: Severity | 'off';
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Objects the guardrails leave alone. */
export interface Exemption {
  readonly namespaces: readonly string[] | undefined;
  readonly podSelector: LabelSelector | undefined;
  /** undefined: every guardrail */
  readonly rules: readonly string[] | undefined;
}

/** A well-known peer: a namespace and a pod selector in it. */
export interface PeerSelectorConfig {
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly port?: number | string;
}

/** The guardrail configuration (.netpol-guardrails.yaml), with defaults filled in. */
export interface GuardrailConfig {
  /** the namespace of objects without metadata.namespace */
  readonly defaultNamespace: string;
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly exemptions: readonly Exemption[];
  readonly selectors: {
    readonly dns: PeerSelectorConfig;
    readonly ingressController: PeerSelectorConfig;
    readonly monitoring: PeerSelectorConfig;
  };
}

export const DEFAULT_CONFIG: GuardrailConfig = {
  defaultNamespace: 'default',
  rules: {},
  exemptions: [],
  selectors: {
    dns: { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' }, matchExpressions: [] }, port: 53 },
    ingressController: {
      namespace: 'ingress-nginx',
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' }, matchExpressions: [] },
    },
    monitoring: {
      namespace: 'monitoring',
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' }, matchExpressions: [] },
      port: 'metrics',
    },
  },
};

export const CONFIG_FILE_NAME = '.netpol-guardrails.yaml';
