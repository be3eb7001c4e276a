/** Observed flows: reading flow files line by line, and aggregating them into connections. */
export type { AggregatedFlow, FlowDirection, FlowEndpoint, FlowInputProblem, FlowRecord, FlowVerdict, ObservedEndpoint } from './model';
export { CSV_COLUMNS, CsvFlowReader, FlowLineParser, flowFormatOf, parseEndpointText, parseGenericFlow, parseHubbleFlow, parseJsonFlowLine, parseTime, splitCsvLine } from './readers';
export type { FlowFileFormat, LineOutcome, SkipReason } from './readers';
export { FlowAggregator, describeFlow, flowEndpointId, remapFlows } from './aggregate';
export { FlowPieceBuilder } from './pieces';
export type { FlowPiece, PieceFlow } from './pieces';
export type { AggregatedFlows, FlowAggregatorOptions, FlowCounts, StoredFlowPiece } from './aggregate';
export { isStableLabel, ownerCandidates, podOwner, stableLabels } from './podOwners';
export type { PodOwner } from './podOwners';
export { checkFlows, checkObservedFlows, findFlowEndpoint, judgeFlows } from './check';
export type { FlowCheck, FlowCheckSummary, FlowJudgement, FlowVerdictEntry, ObservedFlows } from './check';
export { flowImpact } from './impact';
export type { FlowChange, FlowImpact } from './impact';
export { DEFAULT_SYNTHESIS_OPTIONS, selectableLabels, synthesizePolicies, widenAddresses } from './synthesize';
export type { SynthesisOptions, SynthesisResult, SynthesizedNamespace, SynthesizedPolicy, SynthesizedPolicyPurpose, UncoveredFlow, WidenedCidr } from './synthesize';
export { verifySynthesis } from './verifySynthesis';
export type { BlockedFlow, SynthesisVerification, UnjustifiedConnection } from './verifySynthesis';
