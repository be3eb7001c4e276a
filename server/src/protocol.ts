/**
 * Custom protocol between the extension and the server, declared once: the client imports these,
 * never redeclares them.
 */
import { NotificationType, RequestType, type Diagnostic } from 'vscode-languageserver-protocol';
import type { CoverageReport } from './core/coverage';

export { SETTINGS_SECTION, DEFAULT_SETTINGS, normalizeSettings } from './settings';
export type { Settings } from './settings';

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

export type { CoverageReport };
