import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, normalizeSettings, type Settings } from '../settings';

/**
 * Settings pulled from the client per document URI (resource scope), cached until the client
 * says they changed or the document closes. Without the configuration capability, defaults.
 */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  get(uri: string): Promise<Settings> {
    if (!this.canPull()) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        (raw: unknown) => normalizeSettings(raw),
        (error: unknown) => {
          this.connection.console.warn(`Could not read settings for ${uri}: ${String(error)}; using defaults.`);
          return DEFAULT_SETTINGS;
        },
      );
      this.cache.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
