/** The live cluster in the engine: pods indexed for selector hovers, near misses, and the hover's cluster part. */
export { PodIndex, podIndexOf } from './podIndex';
export type { LivePod } from './podIndex';
export { selectPods, selectNamespaces, peerNamespaces, MatchedPod, NearMiss } from './liveSelection';
export type { LiveNamespace, PodSelection, NamespaceSelection } from './liveSelection';
export { judge, requirementsOf, describeFailure, nearMissText, formatRequirement } from './nearMiss';
export type { Requirement, Verdict as SelectorVerdict } from './nearMiss';
export { liveHoverLines, LIVE_PODS_LISTED, LIVE_NEAR_MISSES_LISTED } from './liveHover';
export type { LiveCluster, LiveCacheState, LiveTarget } from './liveHover';
