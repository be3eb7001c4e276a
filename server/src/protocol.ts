/**
 * Custom protocol between the extension and the server, declared once: the client imports these,
 * never redeclares them.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

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
