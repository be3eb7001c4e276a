import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { GUARDRAIL_RULES, LineIndex, RULES, type CoverageReport, type GuardrailConfig, type Inventory } from '../core';
import type { SourceRef } from '../core/inventory/model';
import { buildReport, connectivityData, cytoscapeSource, parseBaseline, renderHtml, renderMarkdown, type BaselineComparison, type BaselineFinding, type SourceLink } from '../report';
import { VERSION } from '../version';
import { UsageError } from './files';
import type { LocatedFinding } from './formats';
import type { LoadedFile } from './loadFiles';

/** `check --report FILE` and `--baseline FILE`: the CLI's side of server/src/report. */

export type ReportFormat = 'html' | 'md';

/** The report's format by the file's extension. */
export function reportFormatOf(path: string): ReportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.md' || ext === '.markdown') return 'md';
  throw new UsageError(`--report ${path}: the file name must end in .html (standalone page) or .md (Markdown summary)`);
}

export interface Baseline {
  /** as given on the command line */
  readonly file: string;
  readonly findings: readonly BaselineFinding[];
}

export function readBaseline(path: string, cwd: string): Baseline {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `--baseline ${path}: no such file` : `--baseline ${path}: cannot read: ${code ?? String(error)}`);
  }
  try {
    return { file: path, findings: parseBaseline(text) };
  } catch (error) {
    throw new UsageError(`--baseline ${path}: ${(error as Error).message}`);
  }
}

/** The namespace of the object at an offset, from the files' parsed objects (per file, when first asked). */
function namespaceLocator(loaded: readonly LoadedFile[], config: GuardrailConfig): (file: string, offset: number) => string | undefined {
  const files = new Map<string, LoadedFile>(loaded.map((f) => [f.path, f]));
  const spans = new Map<string, { start: number; end: number; namespace: string | undefined }[]>();
  const spansOf = (file: string): { start: number; end: number; namespace: string | undefined }[] => {
    let list = spans.get(file);
    if (list) return list;
    const f = files.get(file);
    list = !f || 'skipped' in f ? [] : f.analysis.objects.map((o) => {
      // a document's chunk is its span; only List items, which share one, need their node (built lazily)
      let start = o.baseOffset;
      let end = o.baseOffset + o.chunkText.length;
      if (o.listIndex !== undefined) {
        const [s = 0, , e = s] = o.node.range ?? [];
        start = o.baseOffset + s;
        end = o.baseOffset + e;
      }
      const namespace = o.kind === 'Namespace' ? o.name : o.kind === undefined ? undefined : (o.namespace ?? config.defaultNamespace);
      return { start, end, namespace };
    });
    spans.set(file, list);
    return list;
  };
  return (file, offset) => spansOf(file).find((s) => s.start <= offset && offset <= s.end)?.namespace;
}

export interface CheckReportInput {
  readonly path: string;
  readonly cwd: string;
  readonly results: readonly LocatedFinding[];
  readonly files: number;
  readonly loaded: readonly LoadedFile[];
  readonly config: GuardrailConfig;
  readonly inventory: Inventory;
  readonly coverage: CoverageReport;
  readonly baseline?: { readonly file: string; readonly comparison: BaselineComparison } | undefined;
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA and GITHUB_WORKSPACE make the Markdown's places links */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** In a GitHub Actions job: links to the files at the commit checked, for the Markdown summary. */
function githubLink(cwd: string, env: CheckReportInput['env']): ((file: string, line: number) => string | undefined) | undefined {
  const server = env?.GITHUB_SERVER_URL;
  const repository = env?.GITHUB_REPOSITORY;
  const sha = env?.GITHUB_SHA;
  const workspace = env?.GITHUB_WORKSPACE;
  if (!server || !repository || !sha || !workspace) return undefined;
  return (file, line) => {
    if (file === '<stdin>') return undefined;
    const path = relative(workspace, resolve(cwd, file));
    if (path.startsWith('..') || isAbsolute(path)) return undefined;
    return `${server}/${repository}/blob/${sha}/${path.split(sep).map(encodeURIComponent).join('/')}#L${line}`;
  };
}

/** Writes the HTML or Markdown report; I/O errors are UsageErrors. */
export function writeCheckReport(input: CheckReportInput): void {
  const format = reportFormatOf(input.path);
  const target = resolve(input.cwd, input.path);
  const reportDir = dirname(target);
  const texts = new Map<string, string>();
  for (const f of input.loaded) if (!('skipped' in f)) texts.set(f.path, f.text);
  const href = (file: string): string | undefined => {
    if (file === '<stdin>') return undefined;
    const rel = relative(reportDir, isAbsolute(file) ? file : resolve(input.cwd, file));
    return rel.split(sep).map(encodeURIComponent).join('/');
  };
  const lineIndexes = new Map<string, LineIndex>();
  const link = (source: SourceRef): SourceLink => {
    let index = lineIndexes.get(source.file);
    if (!index) lineIndexes.set(source.file, (index = new LineIndex(texts.get(source.file) ?? '')));
    const h = href(source.file);
    return { file: source.file, line: index.position(source.range.start).line + 1, ...(h !== undefined ? { href: h } : {}) };
  };
  const descriptions = new Map<string, string>([...Object.values(RULES), ...GUARDRAIL_RULES].map((r) => [r.id, r.description]));
  const data = buildReport({
    tool: { name: 'netpol-guardrails', version: VERSION },
    files: input.files,
    results: input.results,
    coverage: input.coverage,
    connectivity: connectivityData(input.inventory, link),
    ruleDescriptions: descriptions,
    namespaceAt: namespaceLocator(input.loaded, input.config),
    href,
    ...(input.baseline ? { baseline: input.baseline } : {}),
  });
  const text = format === 'html' ? renderHtml(data, { cytoscapeSource: cytoscapeSource() }) : renderMarkdown(data, { link: githubLink(input.cwd, input.env) });
  try {
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`--report ${input.path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
