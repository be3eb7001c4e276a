/**
 * Custom protocol between the extension and the server, declared once: the client imports these,
 * never redeclares them.
 */
import { NotificationType, RequestType, type Diagnostic, type Position, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { ClusterState, ClusterStatus } from './cluster/clusterTypes';
import type { CoverageReport } from './core/coverage';
import type { LabelChoice, NamespaceChoice, TemplateId, TemplateInput, WorkloadChoice } from './core/authoring';

export { SETTINGS_SECTION, DEFAULT_SETTINGS, normalizeSettings } from './settings';
export type { Settings, TemplateTarget } from './settings';
export { CLUSTER_SETTINGS_SECTION, DEFAULT_CLUSTER_SETTINGS } from './settings';
export type { ClusterSettings } from './settings';
export type { ClusterDenial, ClusterKind, ClusterState, ClusterStatus } from './cluster/clusterTypes';

export interface ServerStatusParams {
  readonly state: 'ready';
  /** milliseconds from process start (the bundle's load included) to the end of `initialized` */
  readonly startupMs: number;
  readonly version: string;
  /** epoch milliseconds of the server's startup milestones, for a breakdown of the client's wait */
  readonly timings: ServerStartupTimings;
}

export interface ServerStartupTimings {
  /** the process started (performance.timeOrigin) */
  readonly processStartAt: number;
  /** the bundle is loaded and the server starts listening */
  readonly listeningAt: number;
  /** the `initialize` request arrived */
  readonly initializeAt: number;
  /** the `initialized` notification arrived */
  readonly initializedAt: number;
  /**
   * CPU milliseconds (user + system) the process had used when listening and when initialized: on a
   * loaded machine the wall-clock milestones include waiting for a core, these do not
   */
  readonly cpuMsAtListening: number;
  readonly cpuMsAtInitialized: number;
  /** the folder of Node's compile cache when it is on (compileCache.ts; Node >= 22.8 says) */
  readonly compileCache?: string;
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

export interface ClusterObjectParams {
  /** a netpol-cluster://CONTEXT/namespaces/NS/KIND/NAME URI, as findings about cluster objects carry */
  readonly uri: string;
}

/**
 * client -> server: the text of a cluster object (pretty JSON of what the cache holds), for a
 * read-only document the client shows under the netpol-cluster scheme; null when the cache has
 * no such object (disconnected, another context, deleted since).
 */
export namespace ClusterObjectRequest {
  export const method = 'netpolGuardrails/clusterObject';
  export const type = new RequestType<ClusterObjectParams, { readonly text: string } | null, void>(method);
}

export interface ShowDriftParams {
  /** a workspace folder URI (the repository); the folder of `documentUri`, else the first folder, when absent */
  readonly folderUri?: string;
  /** a document whose folder to use when folderUri is absent (the active editor's) */
  readonly documentUri?: string;
  /** compare every namespace, not only those the folder has policies for */
  readonly allNamespaces?: boolean;
}

export interface ShowDriftResult {
  /** the connection's state when the report was made (from its cache: no request waits on the network) */
  readonly state: ClusterState;
  readonly context: string | undefined;
  /** true when there is drift; false also when there is no report (see error) */
  readonly drift: boolean;
  readonly counts: {
    readonly missingInCluster: number;
    readonly missingInRepository: number;
    readonly changed: number;
    readonly unchanged: number;
    /** connections only the cluster's policies allow */
    readonly clusterOnly: number;
    /** connections only the repository's policies allow */
    readonly repositoryOnly: number;
  };
  /** the view (Markdown), naming the repository's policies by their labels (`shop/api.yaml:12`) */
  readonly text: string;
  readonly references: readonly ExplainReference[];
  /** why there is no report: not connected, the cache still loading, NetworkPolicies or Pods denied */
  readonly error?: string;
  /** the client offers to connect (the state is disconnected) */
  readonly canConnect?: boolean;
}

/** client -> server: the drift between a folder's NetworkPolicies and the connected cluster's, from the cache. */
export namespace ShowDriftRequest {
  export const method = 'netpolGuardrails/showDrift';
  export const type = new RequestType<ShowDriftParams, ShowDriftResult, void>(method);
}

export type { TemplateId, TemplateInput, NamespaceChoice, LabelChoice, WorkloadChoice };

/**
 * initializationOptions the VS Code client sends: the client-side commands it handles. Other
 * editors send none, and get only the code actions that carry their whole edit.
 */
export interface InitializationOptions {
  /** the client runs `netpolGuardrails.insertTemplate` (asks for the input, then sends TemplateEditRequest) */
  readonly insertTemplateCommand?: boolean;
}

/**
 * The client command of the code actions whose template needs the user's input ("Allow ingress
 * from a namespace…"): the client asks for the input with pickers (TemplateChoicesRequest gives
 * the choices), then gets the edit with TemplateEditRequest and applies it. Given `input`, it
 * asks nothing (tests, keybindings).
 */
export const INSERT_TEMPLATE_COMMAND = 'netpolGuardrails.insertTemplate';

export interface InsertTemplateArgs {
  readonly uri: string;
  readonly position: Position;
  readonly template: TemplateId;
  readonly input?: TemplateInput;
}

export interface TemplateChoicesParams {
  readonly uri: string;
  readonly position: Position;
  readonly template: TemplateId;
  /** the namespace whose pod labels to list (the target's own when absent) */
  readonly namespace?: string;
}

export interface TemplateChoicesResult {
  /** what the template applies to, e.g. `Deployment api` or `api-ingress` */
  readonly target?: string;
  readonly targetNamespace?: string;
  /** when nothing at the position takes this template */
  readonly problem?: string;
  /** namespaces ingress may come from, most relevant first (allowFromNamespace, allowFromPods) */
  readonly namespaces: readonly NamespaceChoice[];
  /** label keys and values of the pods of `namespace` (allowFromPods) */
  readonly labels: readonly LabelChoice[];
  /** workloads egress may go to, the target's namespace first (allowEgressToWorkload) */
  readonly workloads: readonly WorkloadChoice[];
}

/** client -> server: the choices for a template's pickers (namespaces, labels with counts, workloads). */
export namespace TemplateChoicesRequest {
  export const method = 'netpolGuardrails/templateChoices';
  export const type = new RequestType<TemplateChoicesParams, TemplateChoicesResult, void>(method);
}

export interface TemplateEditParams {
  readonly uri: string;
  readonly position: Position;
  readonly input: TemplateInput;
}

export interface TemplateEditResult {
  readonly title?: string;
  /** the edit to apply (a new file when netpolGuardrails.authoring.templateTarget is newFile) */
  readonly edit?: WorkspaceEdit;
  /** why there is no edit: invalid input, or the target already allows it */
  readonly problem?: string;
}

/** client -> server: the exact edit of a template for the user's input at a position. */
export namespace TemplateEditRequest {
  export const method = 'netpolGuardrails/templateEdit';
  export const type = new RequestType<TemplateEditParams, TemplateEditResult, void>(method);
}

export interface GeneratePoliciesParams {
  /** a workspace folder URI whose workloads give the labels; the folder of `documentUri`, else the first, when absent */
  readonly folderUri?: string;
  readonly documentUri?: string;
  /** the flow files (`file:` URIs): Hubble JSON, or the generic JSON lines / CSV */
  readonly flowFiles: readonly string[];
  /** merge external addresses seen on a port within a prefix of this length (default 32 / 128: each alone) */
  readonly widenIPv4?: number;
  readonly widenIPv6?: number;
  /** the namespaces to police; default: every namespace with a workload on a forwarded flow, except the DNS namespace */
  readonly namespaces?: readonly string[];
}

/** The policies of one namespace, to be shown and then written as a new file. */
export interface GeneratedPolicyFile {
  readonly namespace: string;
  /** `<namespace>.observed-policies.yaml`: the client writes it in the folder, under a free name */
  readonly fileName: string;
  readonly text: string;
  /** `purpose name` of each policy, e.g. `default-deny default-deny`, `observed allow-api` */
  readonly policies: readonly string[];
}

export interface GeneratePoliciesResult {
  /** the folder the policies are for */
  readonly folderUri: string;
  readonly files: readonly GeneratedPolicyFile[];
  /** what was read: records, distinct flows, malformed lines (the first with their place), unreadable files */
  readonly read: {
    readonly records: number;
    readonly flows: number;
    readonly malformed: number;
    readonly problems: readonly { readonly file: string; readonly line: number; readonly message: string }[];
    readonly unreadable: readonly { readonly file: string; readonly error: string }[];
  };
  readonly admitted: number;
  readonly dns: number;
  readonly notForwarded: number;
  readonly outside: number;
  /** forwarded flows no narrow rule can admit, as `flow: reason` */
  readonly uncovered: readonly string[];
  readonly notes: readonly string[];
  /** the reachability engine's check of the generated set */
  readonly check: {
    readonly checked: number;
    readonly blocked: readonly string[];
    readonly unjustified: readonly string[];
    readonly apiErrors: readonly string[];
    readonly guardrails: readonly string[];
  };
  /** a readable summary (Markdown) of all of the above */
  readonly summary: string;
}

/** client -> server: least-privilege policies for a folder from flow files (nothing is written). */
export namespace GeneratePoliciesRequest {
  export const method = 'netpolGuardrails/generatePolicies';
  export const type = new RequestType<GeneratePoliciesParams, GeneratePoliciesResult, void>(method);
}
