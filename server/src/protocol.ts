/**
 * Custom protocol between the extension and the server, declared once: the client imports these,
 * never redeclares them.
 */
import { NotificationType, RequestType, type Diagnostic } from 'vscode-languageserver-protocol';
import type { ClusterStatus } from './cluster/clusterTypes';
import type { CoverageReport } from './core/coverage';

export { SETTINGS_SECTION, DEFAULT_SETTINGS, normalizeSettings } from './settings';
export type { Settings } from './settings';
export { CLUSTER_SETTINGS_SECTION, DEFAULT_CLUSTER_SETTINGS } from './settings';
export type { ClusterSettings } from './settings';
export type { ClusterDenial, ClusterKind, ClusterState, ClusterStatus } from './cluster/clusterTypes';

export interface ServerStatusParams {
  readonly state: 'ready';
  /** milliseconds from process start to the end of `initialized` */
  readonly startupMs: number;
  readonly version: string;
}

/** server -> client: the server has initialized and is answering requests. */
export namespace ServerStatusNotification {
  export const method = 'netpolGuardrails/serverStatus';
  export const type = new NotificationType<ServerStatusParams>(method);
}

export interface CoverageParams {
  /** a workspace folder URI; the first folder when absent */
  readonly folderUri?: string;
}

/** client -> server: the per-namespace coverage summary of a workspace folder. */
export namespace CoverageRequest {
  export const method = 'netpolGuardrails/coverage';
  export const type = new RequestType<CoverageParams, CoverageReport, void>(method);
}

export interface CheckWorkspaceParams {
  /** a token for $/progress reports (files done out of the total) */
  readonly workDoneToken?: string | number;
}

export interface CheckWorkspaceFile {
  readonly uri: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface CheckWorkspaceResult {
  /** false when the user cancelled it */
  readonly completed: boolean;
  readonly files: number;
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number; readonly hint: number };
  /** findings by rule id */
  readonly byRule: Readonly<Record<string, number>>;
  /** every file with findings, with its diagnostics (the client shows those of unopened files) */
  readonly problems: readonly CheckWorkspaceFile[];
}

/** client -> server: read every file of the workspace again and run every rule over it. */
export namespace CheckWorkspaceRequest {
  export const method = 'netpolGuardrails/checkWorkspace';
  export const type = new RequestType<CheckWorkspaceParams, CheckWorkspaceResult, void>(method);
}

/** server -> client: the live-cluster connection changed state (also its context, denials or counts). */
export namespace ClusterStatusNotification {
  export const method = 'netpolGuardrails/clusterStatus';
  export const type = new NotificationType<ClusterStatus>(method);
}

export interface ClusterParams {
  /**
   * connect: (re)connect, to `context` or the `netpolGuardrails.cluster.context` setting or the
   * kubeconfig's current-context; disconnect; status: the status now, with the kubeconfig's
   * contexts read again (no network). The answer never waits on the network: after connect the
   * state is `connecting`, and clusterStatus notifications follow.
   */
  readonly action: 'connect' | 'disconnect' | 'status';
  readonly context?: string;
}

/** client -> server: connect, disconnect or select a context. Sent only from trusted workspaces. */
export namespace ClusterRequest {
  export const method = 'netpolGuardrails/cluster';
  export const type = new RequestType<ClusterParams, ClusterStatus, void>(method);
}

export interface ExplainConnectionParams {
  /** a workspace folder URI; the folder of `documentUri`, else the first folder, when absent */
  readonly folderUri?: string;
  /** a document whose folder to use when folderUri is absent (the active editor's) */
  readonly documentUri?: string;
  /** the source: a workload endpoint id (`namespace/name`) or an IP address; with `to`, explains the pair */
  readonly from?: string;
  readonly to?: string;
  /** one port to ask about; every port when absent */
  readonly port?: { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number };
}

export interface ExplainEndpoint {
  /** `namespace/name` (or `namespace/Kind/name` when two kinds share a name) */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
}

/** A place the explanation text names as `label` (e.g. `shop/api-policy.yaml:12`). */
export interface ExplainReference {
  readonly label: string;
  readonly uri: string;
  /** 0-based */
  readonly line: number;
  readonly character: number;
}

export interface ExplainConnectionResult {
  /** the workload endpoints of the folder, sorted by id (external addresses go by IP) */
  readonly endpoints: readonly ExplainEndpoint[];
  /** with `from` and `to`: the answer, or `error` when one of them is not an endpoint */
  readonly explanation?: {
    readonly verdict: 'allowed' | 'partially-allowed' | 'denied';
    /** the ports allowed, e.g. `TCP 8080; UDP 53`, `all ports`, `nothing` */
    readonly allowed: string;
    /** a readable answer (Markdown), naming its sources by their labels */
    readonly text: string;
    readonly references: readonly ExplainReference[];
  };
  readonly error?: string;
}

/** client -> server: the endpoints of a folder and, for a pair, why a connection is allowed or not. */
export namespace ExplainConnectionRequest {
  export const method = 'netpolGuardrails/explainConnection';
  export const type = new RequestType<ExplainConnectionParams, ExplainConnectionResult, void>(method);
}

export interface ShowImpactParams {
  /** the file (a `file:` URI): its unsaved text against the saved file, else the file against git HEAD */
  readonly uri: string;
}

/** One connection an edit opens or cuts off, with what makes the difference. */
export interface ImpactConnection {
  readonly src: string;
  readonly dst: string;
  /** the ports opened or cut off, e.g. `TCP 8080; UDP 53`, `all ports` */
  readonly ports: string;
  /** what the pair is allowed after the edit (`nothing` when cut off entirely) */
  readonly now: string;
  /** a pair connected only after (Opens) or only before (Cuts off) the edit */
  readonly whole: boolean;
  /** the policies involved, as the view shows them, e.g. `allowed by shop/api ingress rule 1 (api.yaml:12)` */
  readonly policies: readonly string[];
}

export interface ShowImpactResult {
  /** what the file was compared with: its saved text (the edit is unsaved) or its text at git HEAD */
  readonly base: 'saved' | 'HEAD';
  readonly opens: readonly ImpactConnection[];
  readonly cutsOff: readonly ImpactConnection[];
  /** the view (Markdown), naming its sources by their labels */
  readonly text: string;
  readonly references: readonly ExplainReference[];
  /** when there is nothing to compare with (not a git repository, no commit, not a file on disk) */
  readonly error?: string;
  /** e.g. that the file is new (not in HEAD) */
  readonly note?: string;
  /** with observed flows loaded (netpolGuardrails.flows): the observed flows the edit cuts off and newly allows */
  readonly observedFlows?: ImpactObservedFlows;
}

/** The observed flows an edit cuts off (allowed before, denied after, seen forwarded) and newly allows. */
export interface ImpactObservedFlows {
  readonly cutOff: number;
  readonly cutOffObservations: number;
  readonly newlyAllowed: number;
  readonly newlyAllowedObservations: number;
  /** the first flows of each by observations, e.g. `shop/web -> shop/api TCP 8080: 120 observations (flows.json:12)` */
  readonly topCutOff: readonly string[];
  readonly topNewlyAllowed: readonly string[];
}

/** client -> server: what the unsaved (or uncommitted) changes of a file open and cut off. */
export namespace ShowImpactRequest {
  export const method = 'netpolGuardrails/showImpact';
  export const type = new RequestType<ShowImpactParams, ShowImpactResult, void>(method);
}

export interface ReportParams {
  /** a workspace folder URI; the first folder when absent */
  readonly folderUri?: string;
  /** the webview's CSP source (webview.cspSource) */
  readonly cspSource?: string;
}

/** client -> server: the guardrail report of a folder as a page for a webview (the CLI's --report HTML). */
export namespace ReportRequest {
  export const method = 'netpolGuardrails/report';
  export const type = new RequestType<ReportParams, { readonly html: string }, void>(method);
}

export type { CoverageReport };
