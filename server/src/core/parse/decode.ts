import type { Finding } from '../model/finding';
import { RULES } from '../model/ruleCatalog';

export type DecodedFile = { readonly text: string } | { readonly skipped: Finding };

function skipped(message: string): DecodedFile {
  return { skipped: { ruleId: RULES.fileSkipped.id, severity: RULES.fileSkipped.severity, message, range: { start: 0, end: 0 }, related: [] } };
}

/** Bytes of a file to text: binary files and invalid UTF-8 are skipped with one finding. */
export function decodeManifestBytes(bytes: Uint8Array): DecodedFile {
  const probe = bytes.subarray(0, 8000);
  if (probe.includes(0)) return skipped('File skipped: it looks binary (it contains NUL bytes).');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return skipped('File skipped: it is not valid UTF-8 text. Save it as UTF-8 to have it checked.');
  }
}
