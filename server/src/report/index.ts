/** The check report: data (buildReport), standalone HTML (renderHtml) and Markdown (renderMarkdown). */
export { buildReport } from './buildReport';
export type { ReportInput, ReportInputFinding } from './buildReport';
export { connectivityData, MAX_REPORT_ENDPOINTS, EXTERNAL_NAMESPACE } from './connectivityData';
export { renderHtml } from './html';
export type { HtmlOptions } from './html';
export { renderMarkdown } from './markdown';
export { compareWithBaseline, parseBaseline } from './baseline';
export type { BaselineComparison, BaselineFinding, BaselineStatus } from './baseline';
export { findingFingerprint } from './fingerprint';
export { cytoscapeSource } from './cytoscapeSource';
export type * from './model';
