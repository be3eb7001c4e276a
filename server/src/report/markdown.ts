import { formatFlowSummary } from '../core/coverage';
import type { ReportData, ReportFinding } from './model';

/**
 * The Markdown summary, for CI job summaries ($GITHUB_STEP_SUMMARY) and PR comments. Bounded: long
 * lists stop after MAX_LISTED lines (GitHub caps a step summary at 1 MiB and a comment at 65,536
 * characters); the HTML report has everything.
 */
export const MAX_LISTED = 50;

const ICON: Readonly<Record<string, string>> = { error: '❌', warning: '⚠️', info: 'ℹ️', hint: '💡' };

/** Text safe inside a Markdown table cell or list item. */
function md(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([|*_`[\]<>#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export interface MarkdownOptions {
  /**
   * A URL where a file's line can be seen, e.g. on GitHub at the commit checked (a job summary or a
   * comment has no place that relative links resolve against); without it, places are not links.
   */
  readonly link?: ((file: string, line: number) => string | undefined) | undefined;
}

function where(f: ReportFinding, options: MarkdownOptions): string {
  const place = `${f.file}:${f.line}`;
  const url = options.link?.(f.file, f.line);
  return url === undefined ? code(place) : `[${code(place)}](${url})`;
}

function list(findings: readonly ReportFinding[], options: MarkdownOptions): string[] {
  const lines = findings.slice(0, MAX_LISTED).map((f) => `- ${ICON[f.severity] ?? ''} ${where(f, options)} **${md(f.ruleId)}** ${md(f.message)}`);
  if (findings.length > MAX_LISTED) lines.push(`- … and ${findings.length - MAX_LISTED} more (see the HTML report)`);
  return lines;
}

export function renderMarkdown(data: ReportData, options: MarkdownOptions = {}): string {
  const s = data.summary;
  const out: string[] = ['## Network Policy Guardrails', ''];
  out.push(`**${s.error} error(s), ${s.warning} warning(s), ${s.info} info** in ${s.files} file(s)`);
  if (data.baseline) out.push('', `Compared with ${code(data.baseline.file)}: **${data.baseline.new} new**, ${data.baseline.fixed} fixed, ${data.baseline.unchanged} unchanged.`);

  const c = data.coverage;
  out.push('', '### Coverage by namespace', '');
  out.push('| Namespace | Workloads | Default deny ingress | Default deny egress | Isolated ingress | Isolated egress | DNS egress | Allow-all rules | Public exposures |');
  out.push('| --- | ---: | :---: | :---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of c.namespaces) {
    out.push(
      `| ${md(n.namespace)} | ${n.workloads} | ${n.defaultDenyIngress ? '✅' : '❌'} | ${n.defaultDenyEgress ? '✅' : '❌'} | ${n.isolatedIngress}/${n.workloads} | ${n.isolatedEgress}/${n.workloads} | ${n.dnsEgressAllowed}/${n.isolatedEgress} | ${n.allowAllRules} | ${n.publicExposures} |`,
    );
  }
  const t = c.totals;
  out.push(
    `| **total (${t.namespaces})** | ${t.workloads} | ${t.defaultDenyIngress}/${t.namespaces} | ${t.defaultDenyEgress}/${t.namespaces} | ${t.isolatedIngress}/${t.workloads} | ${t.isolatedEgress}/${t.workloads} | ${t.dnsEgressAllowed}/${t.isolatedEgress} | ${t.allowAllRules} | ${t.publicExposures} |`,
  );
  // with --flows: the observed flows the policies allow and block
  if (c.observedFlows) out.push('', md(formatFlowSummary(c.observedFlows)));

  if (data.findings.length > 0) {
    const byRule = new Map<string, { severity: string; count: number; new: number }>();
    for (const f of data.findings) {
      const row = byRule.get(f.ruleId) ?? { severity: f.severity, count: 0, new: 0 };
      row.count++;
      if (f.status === 'new') row.new++;
      byRule.set(f.ruleId, row);
    }
    out.push('', '### Findings by rule', '');
    out.push(data.baseline ? '| Rule | Severity | Findings | New | Description |' : '| Rule | Severity | Findings | Description |');
    out.push(data.baseline ? '| --- | --- | ---: | ---: | --- |' : '| --- | --- | ---: | --- |');
    const order: Readonly<Record<string, number>> = { error: 0, warning: 1, info: 2, hint: 3 };
    const sorted = [...byRule].sort(([a, x], [b, y]) => (order[x.severity] ?? 4) - (order[y.severity] ?? 4) || y.count - x.count || a.localeCompare(b));
    for (const [id, row] of sorted) {
      const description = md(data.rules[id]?.description ?? '');
      out.push(data.baseline ? `| ${code(id)} | ${row.severity} | ${row.count} | ${row.new} | ${description} |` : `| ${code(id)} | ${row.severity} | ${row.count} | ${description} |`);
    }
  }

  const shown = data.baseline ? data.findings.filter((f) => f.status === 'new') : data.findings;
  if (shown.length > 0) out.push('', data.baseline ? '### New findings' : '### Findings', '', ...list(shown, options));
  if (data.fixed.length > 0) out.push('', '### Fixed findings', '', ...list(data.fixed, options));

  out.push('', '### Connectivity', '');
  if ('omitted' in data.connectivity) out.push(`Not shown: ${md(data.connectivity.omitted)}.`);
  else {
    const conn = data.connectivity;
    const workloads = conn.endpoints.filter((e) => e.namespace !== 'external').length;
    out.push(`${workloads} workload(s), ${conn.endpoints.length - workloads} external address range(s), ${conn.connections} allowed connection(s).`);
    const cross = conn.namespaceEdges.filter((e) => e.from !== e.to).sort((a, b) => b.pairs - a.pairs || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    if (cross.length > 0) {
      out.push('', '| From | To | Workload pairs allowed | On every port |', '| --- | --- | ---: | ---: |');
      for (const e of cross.slice(0, MAX_LISTED)) out.push(`| ${md(e.from)} | ${md(e.to)} | ${e.pairs} | ${e.allPorts} |`);
      if (cross.length > MAX_LISTED) out.push(`| … | ${cross.length - MAX_LISTED} more | | |`);
    }
  }
  out.push('', `<sub>${md(data.tool.name)} ${md(data.tool.version)}</sub>`, '');
  return out.join('\n');
}
