import { NEVER_CANCELLED, shiftFinding, type CancellationToken, type Finding } from './model/finding';
import { RULES } from './model/ruleCatalog';
import { chunkStarts, looksLikeManifest, parseChunk, withObjectFields, type ManifestObject, type ParsedChunk } from './parse/manifest';
import { validateObject } from './validate/validateObject';

/** Options of one analysis; the adapters fill them from settings. */
export interface AnalysisOptions {
  /** files larger than this many bytes (UTF-16 length as a proxy for text) are skipped */
  readonly maxFileSizeBytes: number;
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = { maxFileSizeBytes: 5 * 1024 * 1024 };

export interface FileAnalysis {
  readonly findings: readonly Finding[];
  /** every object in the file (NetworkPolicies and others), for later stages */
  readonly objects: readonly ManifestObject[];
  /** false when the file was skipped (template, size) */
  readonly analysed: boolean;
}

interface ChunkResult {
  readonly parsed: ParsedChunk;
  readonly findings: readonly Finding[];
  readonly reportSyntax: boolean;
}

const TEMPLATE = /\{\{[\s\S]*?\}\}/;

function templateFinding(text: string): Finding | undefined {
  const match = TEMPLATE.exec(text);
  if (!match) return undefined;
  const start = match.index;
  const lineEnd = text.indexOf('\n', start);
  return {
    ruleId: RULES.templateSkipped.id,
    severity: RULES.templateSkipped.severity,
    message: 'This file contains Helm/Go template syntax ({{ ... }}), so it is not analysed: render it (helm template) and check the output instead.',
    range: { start, end: Math.min(start + match[0].length, lineEnd < 0 ? text.length : lineEnd) },
    related: [],
  };
}

export function fileTooLargeFinding(size: number, limit: number): Finding {
  return {
    ruleId: RULES.fileSkipped.id,
    severity: RULES.fileSkipped.severity,
    message: `File skipped: it is ${formatBytes(size)}, over the ${formatBytes(limit)} limit (setting netpolGuardrails.maxFileSize).`,
    range: { start: 0, end: 0 },
    related: [],
  };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/**
 * Analyses one file's text at a time and remembers its chunks, so analysing the next version of
 * the same file re-parses and re-validates only the documents that changed. One analyzer per file.
 */
export class ManifestAnalyzer {
  private cache = new Map<string, ChunkResult>();

  analyze(text: string, options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS, token: CancellationToken = NEVER_CANCELLED): FileAnalysis {
    if (text.length > options.maxFileSizeBytes) {
      this.cache.clear();
      return { findings: [fileTooLargeFinding(text.length, options.maxFileSizeBytes)], objects: [], analysed: false };
    }
    const template = templateFinding(text);
    if (template) {
      this.cache.clear();
      return { findings: [template], objects: [], analysed: false };
    }
    const reportSyntax = looksLikeManifest(text);
    const starts = chunkStarts(text);
    const next = new Map<string, ChunkResult>();
    const findings: Finding[] = [];
    const objects: ManifestObject[] = [];
    for (let i = 0; i < starts.length; i++) {
      if (token.isCancellationRequested) break;
      const start = starts[i] ?? 0;
      const end = starts[i + 1] ?? text.length;
      const chunkText = text.slice(start, end);
      let result = this.cache.get(chunkText) ?? next.get(chunkText);
      if (!result || result.reportSyntax !== reportSyntax) {
        const parsed = parseChunk(chunkText, 0, reportSyntax);
        const chunkFindings = [...parsed.findings];
        const validated = parsed.objects.map((object) => {
          const objectFindings = validateObject(object, chunkText);
          chunkFindings.push(...objectFindings);
          return withObjectFields(object, { hasApiErrors: objectFindings.some((f) => f.severity === 'error') });
        });
        result = { parsed: { ...parsed, objects: validated }, findings: chunkFindings, reportSyntax };
      }
      next.set(chunkText, result);
      for (const finding of result.findings) findings.push(shiftFinding(finding, start));
      for (const object of result.parsed.objects) objects.push(object.baseOffset === start ? object : withObjectFields(object, { baseOffset: start }));
    }
    this.cache = next;
    return { findings, objects, analysed: true };
  }
}

/** One-shot analysis (CLI, tests). */
export function analyzeText(text: string, options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS, token?: CancellationToken): FileAnalysis {
  return new ManifestAnalyzer().analyze(text, options, token);
}
