/**
 * Custom protocol between the extension and the server, declared once: the client imports these,
 * never redeclares them.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
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

export type { CoverageReport };
