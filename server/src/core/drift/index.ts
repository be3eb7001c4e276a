/** Drift between the repository's NetworkPolicies and a cluster's. */
export { computeDrift, driftSummary, formatDrift, formatDriftChange, DRIFT_SECTIONS, hasDrift, policyChanges, selectorRequirements } from './drift';
export type { ChangedPolicy, DriftChange, DriftConnection, DriftInput, DriftPolicyRef, DriftReport } from './drift';
