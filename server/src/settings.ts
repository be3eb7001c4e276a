/**
 * Settings: the one place for their types and defaults. package.json's `contributes.configuration`
 * repeats the defaults for VS Code; test/core/settings.test.ts keeps the two equal.
 */
export const SETTINGS_SECTION = 'netpolGuardrails';

export interface Settings {
  /** run the analysis at all, per resource */
  readonly enable: boolean;
  /** files over this many bytes get one "skipped" finding instead of an analysis */
  readonly maxFileSize: number;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  maxFileSize: 5 * 1024 * 1024,
};

/** Settings from an untrusted source (client configuration, config file) with defaults filled in. */
export function normalizeSettings(raw: unknown): Settings {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const enable = typeof value['enable'] === 'boolean' ? value['enable'] : DEFAULT_SETTINGS.enable;
  const size = value['maxFileSize'];
  const maxFileSize = typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : DEFAULT_SETTINGS.maxFileSize;
  return { enable, maxFileSize };
}
