/** Reachability: which endpoints may talk on which protocols and ports, and why. */
export { ReachabilityIndex, ConnectivityMap, computeConnectivity } from './engine';
export type { PolicyEntry, RuleEntry, NamedPort } from './engine';
export { workloadEndpoints, externalEndpoints } from './endpoints';
export type { Endpoint, WorkloadEndpoint, ExternalEndpoint } from './endpoints';
export { externalRanges, ipBlockCidrs, parseAddress, formatAddress, rangeId } from './addresses';
export type { Address } from './addresses';
export { PortSetTable, ALL_PORTS, NO_PORTS, PROTOCOLS, formatPortSet, portSetToJson, isAll, isEmpty, contains as portSetContains } from './portSet';
export type { PortSet } from './portSet';
export { connectivityJson } from './report';
export type { ConnectivityJson, ConnectionJson, EndpointJson } from './report';
export { explainConnection, formatExplanation, ruleSource } from './explain';
export type { Explanation, SideExplanation, RuleReason, PolicyRef, PortQuery, Verdict } from './explain';
export { referenceAllowed, referenceAllows, referenceConnectivity } from './reference';
export type { ReferencePeer } from './reference';
export { diffConnectivity, isUnchanged } from './diff';
export type { ConnectivityDiff, ConnectionChange } from './diff';
export { policySummary } from './summary';
