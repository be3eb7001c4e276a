import type { Labels } from '../selectors/labelSelector';

/**
 * Which workload a pod belongs to, from what a flow observer knows of it: its name and labels.
 *
 * Kubernetes names pods after their controller (k8s.io/apiserver names.SimpleNameGenerator:
 * `generateName` plus 5 characters of apimachinery's util/rand alphabet, which leaves out vowels
 * and the digits 0, 1 and 3 so that no word is spelt):
 * - a Deployment's pods: `<deployment>-<pod-template-hash>-<5>` (the ReplicaSet is
 *   `<deployment>-<pod-template-hash>`, the hash rand.SafeEncodeString of the template's hash);
 * - a StatefulSet's pods: `<statefulset>-<ordinal>` (pkg/controller/statefulset getPodName);
 * - a DaemonSet's, a ReplicaSet's or a Job's pods: `<name>-<5>`;
 * - a CronJob's Jobs: `<cronjob>-<scheduled time in minutes since the epoch>` (pkg/controller/cronjob
 *   getJobName), so its pods are `<cronjob>-<minutes>-<5>`.
 * The controllers' labels say the same more surely: `pod-template-hash` (ReplicaSet),
 * `controller-revision-hash` with `statefulset.kubernetes.io/pod-name` (StatefulSet) or
 * `pod-template-generation` (DaemonSet), `batch.kubernetes.io/job-name` / `job-name` (Job).
 */

/** apimachinery pkg/util/rand: the alphabet of generated name suffixes and safe-encoded hashes */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX = `[${SAFE}]{5}`;
const DEPLOYMENT_POD = new RegExp(`^(.+)-([${SAFE}]{6,10})-${SUFFIX}$`);
const GENERATED_POD = new RegExp(`^(.+)-${SUFFIX}$`);
const STATEFUL_POD = /^(.+)-(0|[1-9]\d{0,5})$/;
/** a CronJob's Job name: the schedule time in minutes, 8 digits from 1973 to 2160 */
const CRONJOB_JOB = /^(.+)-(\d{8})$/;

export interface PodOwner {
  readonly kind: string | undefined;
  readonly name: string;
}

/**
 * Labels that differ between the pods of one workload, or between its revisions: never something
 * a policy should select on, so they are dropped from the labels flows report.
 */
const UNSTABLE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/job-completion-index',
]);

export function isStableLabel(key: string): boolean {
  return !UNSTABLE_LABELS.has(key);
}

/** The labels without those that vary between a workload's pods or revisions. */
export function stableLabels(labels: Labels): Labels {
  let unstable = false;
  for (const key of Object.keys(labels)) if (UNSTABLE_LABELS.has(key)) unstable = true;
  if (!unstable) return labels;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (!UNSTABLE_LABELS.has(key)) out[key] = value;
  return out;
}

function jobOwner(job: string): PodOwner {
  const cron = CRONJOB_JOB.exec(job);
  return cron ? { kind: 'CronJob', name: cron[1]! } : { kind: 'Job', name: job };
}

/**
 * The workload that owns a pod, from its name and labels; undefined when neither says (a bare
 * Pod, or a name that follows no controller's pattern).
 */
export function podOwner(podName: string, labels: Labels): PodOwner | undefined {
  const hash = labels['pod-template-hash'];
  if (hash !== undefined && hash !== '') {
    const tail = `-${hash}-`;
    const at = podName.lastIndexOf(tail);
    if (at > 0) return { kind: 'Deployment', name: podName.slice(0, at) };
    // a ReplicaSet without a Deployment carries no pod-template-hash: the label means one
  }
  const job = labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
  if (job !== undefined && job !== '') return jobOwner(job);
  if (labels['controller-revision-hash'] !== undefined) {
    if (labels['statefulset.kubernetes.io/pod-name'] !== undefined || labels['apps.kubernetes.io/pod-index'] !== undefined) {
      const stateful = STATEFUL_POD.exec(podName);
      if (stateful) return { kind: 'StatefulSet', name: stateful[1]! };
    }
    if (labels['pod-template-generation'] !== undefined) {
      const generated = GENERATED_POD.exec(podName);
      if (generated) return { kind: 'DaemonSet', name: generated[1]! };
    }
  }
  // without the controllers' labels (Cilium leaves them out of identities): by name alone
  const deployment = DEPLOYMENT_POD.exec(podName);
  if (deployment) return { kind: 'Deployment', name: deployment[1]! };
  const generated = GENERATED_POD.exec(podName);
  if (generated) {
    const cron = CRONJOB_JOB.exec(generated[1]!);
    if (cron) return { kind: 'CronJob', name: cron[1]! };
    return { kind: undefined, name: generated[1]! };
  }
  const stateful = STATEFUL_POD.exec(podName);
  if (stateful) return { kind: 'StatefulSet', name: stateful[1]! };
  return undefined;
}

/**
 * Where a pod could be defined in manifests, most likely first: by its owner's kind and name, then
 * by the intermediate object (a Deployment's ReplicaSet, a CronJob's Job), then the Pod itself.
 */
export function ownerCandidates(podName: string, labels: Labels): PodOwner[] {
  const owner = podOwner(podName, labels);
  const out: PodOwner[] = [];
  if (owner) {
    out.push(owner);
    if (owner.kind === 'Deployment') {
      const replicaSet = podName.slice(0, podName.lastIndexOf('-'));
      out.push({ kind: 'ReplicaSet', name: replicaSet });
    } else if (owner.kind === 'CronJob') {
      out.push({ kind: 'Job', name: podName.slice(0, podName.lastIndexOf('-')) });
    }
  }
  out.push({ kind: 'Pod', name: podName });
  return out;
}
