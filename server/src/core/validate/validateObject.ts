import type { Finding } from '../model/finding';
import { RULES } from '../model/ruleCatalog';
import { rangeForPath, type ManifestObject } from '../parse/manifest';
import { networkPolicyIssues } from './networkPolicy';
import { schemaIssues } from './schemaValidation';

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';

export function isNetworkPolicy(object: ManifestObject): boolean {
  return object.kind === 'NetworkPolicy' && object.apiVersion === NETWORK_POLICY_API_VERSION;
}

/**
 * What kube-apiserver would reject on create, placed on the exact node. Ranges are relative to
 * the object's chunk. Objects that are not networking.k8s.io/v1 NetworkPolicies are not checked,
 * except a NetworkPolicy under an API version that is no longer served.
 */
export function validateObject(object: ManifestObject, chunkText: string): Finding[] {
  if (object.kind === 'NetworkPolicy' && object.apiVersion !== NETWORK_POLICY_API_VERSION) {
    if (object.apiVersion === undefined) return [];
    const range = rangeForPath(object.node, ['apiVersion'], 'value', chunkText);
    return [
      {
        ruleId: RULES.apiVersion.id,
        severity: RULES.apiVersion.severity,
        message: `NetworkPolicy is served as ${NETWORK_POLICY_API_VERSION}; "${object.apiVersion}" is not (extensions/v1beta1 was removed in Kubernetes 1.16): use apiVersion: ${NETWORK_POLICY_API_VERSION}.`,
        range,
        fieldPath: 'apiVersion',
        apiMessage: `no matches for kind "NetworkPolicy" in version "${object.apiVersion}"`,
        related: [],
      },
    ];
  }
  if (!isNetworkPolicy(object)) return [];
  const issues = [...schemaIssues(object.value), ...networkPolicyIssues(object.value)];
  return issues.map((issue) => {
    const rule = RULES[issue.rule];
    return {
      ruleId: rule.id,
      severity: rule.severity,
      message: issue.message,
      range: rangeForPath(object.node, issue.at, issue.target, chunkText),
      fieldPath: issue.fieldPath,
      apiMessage: issue.apiMessage,
      related: [],
    };
  });
}
