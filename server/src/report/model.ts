import type { CoverageReport } from '../core';
import type { BaselineStatus } from './baseline';

/**
 * The report's data: plain JSON, built once (report/buildReport.ts) and rendered as standalone
 * HTML (embedded in the page, read by its script) and as Markdown. A VS Code webview can render
 * the same HTML from the same data.
 */
export interface ReportData {
  readonly version: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly summary: { readonly files: number; readonly error: number; readonly warning: number; readonly info: number; readonly hint: number };
  readonly baseline?: { readonly file: string; readonly new: number; readonly unchanged: number; readonly fixed: number };
  /** description and default severity per rule id that occurs */
  readonly rules: Readonly<Record<string, { readonly description: string }>>;
  /** every namespace the coverage, findings or connectivity mention, sorted */
  readonly namespaces: readonly string[];
  readonly coverage: CoverageReport;
  readonly findings: readonly ReportFinding[];
  /** baseline findings that are gone */
  readonly fixed: readonly ReportFinding[];
  readonly connectivity: ConnectivityData | { readonly omitted: string };
}

export interface ReportFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  /** as the CLI prints it (relative to its working directory) */
  readonly file: string;
  /** 1-based */
  readonly line: number;
  readonly column: number;
  /** a link to the file relative to the report's own location; absent for stdin */
  readonly href?: string;
  /** the namespace of the object the finding sits in, when it is in one */
  readonly namespace?: string;
  readonly status?: BaselineStatus;
}

/** A place in a file, with its link. */
export interface SourceLink {
  readonly file: string;
  readonly line: number;
  readonly href?: string;
}

/**
 * The connectivity, compact: endpoints in the engine's order (workloads sorted by namespace and
 * name, then external address ranges); each endpoint's row of allowed destinations is run-length
 * encoded as [first, end (exclusive), portSet] triples, and equal rows are stored once. The "why"
 * of a cell is computed in the page from the policies and rules below exactly as the engine's
 * explain does: the isolating policies of each side and the rules whose peers match the other side.
 */
export interface ConnectivityData {
  readonly endpoints: readonly ReportEndpoint[];
  /** formatted port sets; `all` when every port of every protocol */
  readonly portSets: readonly { readonly text: string; readonly all: boolean }[];
  readonly rows: readonly (readonly number[])[];
  readonly policies: readonly ReportPolicy[];
  readonly rules: readonly ReportRule[];
  /** sets of policy indexes, shared by endpoints */
  readonly policySets: readonly (readonly number[])[];
  /** endpoint ranges rule peers match, as [first, end) pairs, shared by rules */
  readonly peerSets: readonly (readonly number[])[];
  /** namespace-level graph: workload pairs allowed from one namespace (or "external") to another */
  readonly namespaceEdges: readonly { readonly from: string; readonly to: string; readonly pairs: number; readonly allPorts: number }[];
  readonly connections: number;
}

export interface ReportEndpoint {
  readonly id: string;
  /** "external" for address ranges */
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly hostNetwork?: true;
  /** index into ConnectivityData.rows */
  readonly row: number;
  /** indexes into policySets: the policies isolating it for ingress and for egress */
  readonly ingress: number;
  readonly egress: number;
  /** container port signature, to resolve named ports of rules */
  readonly portSignature: number;
}

export interface ReportPolicy extends SourceLink {
  readonly namespace: string;
  readonly name: string;
  readonly ingress: readonly number[];
  readonly egress: readonly number[];
}

export interface ReportRule extends SourceLink {
  readonly policy: number;
  readonly direction: 'ingress' | 'egress';
  /** 0-based in the policy's list */
  readonly index: number;
  /** index into peerSets: the endpoints its peers match; absent: the rule lists no peers (all) */
  readonly peers?: number;
  /** the ports it allows (numeric ports, or named ports resolved for a destination) */
  readonly ports: string;
  /** for rules with named ports: ports per destination port signature ("" when none resolves) */
  readonly portsBySignature?: Readonly<Record<string, string>>;
}
