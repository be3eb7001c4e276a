import { randomBytes } from 'node:crypto';
import { formatFlowSummary } from '../core/coverage';
import type { ReportData } from './model';
import { REPORT_SCRIPT } from './reportScript';
import { REPORT_CSS } from './reportStyle';

export interface HtmlOptions {
  /** cytoscape's browser bundle (dist/cytoscape.min.js), inlined: the page loads nothing */
  readonly cytoscapeSource: string;
  /** defaults to a fresh random one */
  readonly nonce?: string;
  /** extra CSP sources for a VS Code webview (`webview.cspSource`) */
  readonly cspSource?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot end its <script> element early nor break as JavaScript. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script text must not contain "</script" (none in cytoscape today; kept safe anyway). */
function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

function coverageTable(data: ReportData): string {
  const yes = (v: boolean): string => `<td class="${v ? 'yes' : 'no'}">${v ? 'yes' : 'no'}</td>`;
  const rows = data.coverage.namespaces.map(
    (n) =>
      `<tr data-namespace="${escapeHtml(n.namespace)}"><th scope="row">${escapeHtml(n.namespace)}</th><td>${n.workloads}</td>${yes(n.defaultDenyIngress)}${yes(n.defaultDenyEgress)}` +
      `<td>${n.isolatedIngress}/${n.workloads}</td><td>${n.isolatedEgress}/${n.workloads}</td><td>${n.dnsEgressAllowed}/${n.isolatedEgress}</td><td>${n.allowAllRules}</td><td>${n.publicExposures}</td></tr>`,
  );
  const t = data.coverage.totals;
  rows.push(
    `<tr class="total"><th scope="row">total (${t.namespaces})</th><td>${t.workloads}</td><td>${t.defaultDenyIngress}/${t.namespaces}</td><td>${t.defaultDenyEgress}/${t.namespaces}</td>` +
      `<td>${t.isolatedIngress}/${t.workloads}</td><td>${t.isolatedEgress}/${t.workloads}</td><td>${t.dnsEgressAllowed}/${t.isolatedEgress}</td><td>${t.allowAllRules}</td><td>${t.publicExposures}</td></tr>`,
  );
  return `<table id="coverage">
<caption class="muted">Isolated: workloads a NetworkPolicy selects for that direction, of those policies govern (hostNetwork ones excluded). DNS egress: egress-isolated workloads that may reach cluster DNS on UDP and TCP 53. Allow-all rules: rules allowing every source or destination. Public exposures: ipBlocks reaching public address space.</caption>
<thead><tr><th scope="col">Namespace</th><th scope="col">Workloads</th><th scope="col">Default deny ingress</th><th scope="col">Default deny egress</th><th scope="col">Isolated ingress</th><th scope="col">Isolated egress</th><th scope="col">DNS egress</th><th scope="col">Allow-all rules</th><th scope="col">Public exposures</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>${data.coverage.observedFlows ? `\n<p id="observed-flows">${escapeHtml(formatFlowSummary(data.coverage.observedFlows))}</p>` : ''}`;
}

/**
 * The standalone report: one HTML file with everything inline (styles, data, cytoscape, script),
 * under a strict Content-Security-Policy (nothing but this page's nonce-tagged script and style;
 * no network). The same page serves as a VS Code webview when given its cspSource.
 */
export function renderHtml(data: ReportData, options: HtmlOptions): string {
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  const extra = options.cspSource !== undefined ? ` ${options.cspSource}` : '';
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'${extra}; img-src data:${extra}; font-src${extra || " 'none'"}; base-uri 'none'; form-action 'none'`;
  const s = data.summary;
  const connectivity = 'omitted' in data.connectivity
    ? `<p class="muted">Connectivity not shown: ${escapeHtml(data.connectivity.omitted)}.</p>`
    : `<h3 id="graph-title">Namespaces</h3>
<p class="muted">Arrows: workload pairs allowed from one namespace to another (orange: some on every port). Select a namespace to filter.</p>
<div id="graph" role="img" aria-labelledby="graph-title" aria-describedby="graph-table-note"></div>
<details><summary id="graph-table-note">The same as a table</summary>
<table><thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Workload pairs</th><th scope="col">On every port</th></tr></thead><tbody>
${data.connectivity.namespaceEdges.map((e) => `<tr><td>${escapeHtml(e.from)}</td><td>${escapeHtml(e.to)}</td><td>${e.pairs}</td><td>${e.allPorts}</td></tr>`).join('\n')}
</tbody></table></details>
<h3>Workloads</h3>
<p id="matrix-note" class="muted" aria-live="polite"></p>
<p class="legend muted"><span class="l-all"></span>every port <span class="l-part"></span>some ports</p>
<div id="matrix"></div>
<h3>Why</h3>
<div id="why" aria-live="polite"><p class="muted">Activate a cell of the matrix to see which policies and rules decide it.</p></div>`;
  const baseline = data.baseline
    ? `<p>Compared with <code>${escapeHtml(data.baseline.file)}</code>: <strong>${data.baseline.new} new</strong>, ${data.baseline.fixed} fixed, ${data.baseline.unchanged} unchanged.</p>`
    : '';
  const fixed = data.baseline ? `<details><summary>Fixed since the baseline (${data.fixed.length})</summary><ul class="findings" id="fixed-list"></ul></details>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Network Policy Guardrails report</title>
<style nonce="${nonce}">${REPORT_CSS}</style>
<style nonce="${nonce}" id="__________cytoscape_stylesheet">.__________cytoscape_container { position: relative; }</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header>
<h1>Network Policy Guardrails report</h1>
<p class="summary"><span class="count sev-error">${s.error} error(s)</span><span class="count sev-warning">${s.warning} warning(s)</span><span class="count sev-info">${s.info} info</span> in ${s.files} file(s)</p>
${baseline}
<nav class="toc" aria-label="Sections"><a href="#coverage-title">Coverage</a><a href="#findings-title">Findings</a><a href="#connectivity-title">Connectivity</a></nav>
</header>
<div class="filter" role="group" aria-labelledby="ns-filter-label"><span class="label" id="ns-filter-label">Namespaces:</span><span id="ns-filter"></span><span id="filter-status" class="muted" aria-live="polite"></span></div>
<main id="main">
<section aria-labelledby="coverage-title">
<h2 id="coverage-title">Coverage by namespace</h2>
${coverageTable(data)}
</section>
<section aria-labelledby="findings-title">
<h2 id="findings-title">Findings</h2>
<fieldset><legend>Group by</legend>
<label><input type="radio" name="group-by" value="rule" checked> rule</label>
<label><input type="radio" name="group-by" value="namespace"> namespace</label>
</fieldset>
<p id="findings-count" class="muted" aria-live="polite"></p>
<div id="findings-list"></div>
${fixed}
</section>
<section aria-labelledby="connectivity-title">
<h2 id="connectivity-title">Connectivity</h2>
${connectivity}
</section>
</main>
<footer class="muted"><p>${escapeHtml(data.tool.name)} ${escapeHtml(data.tool.version)}</p></footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script nonce="${nonce}">${scriptText(options.cytoscapeSource)}</script>
<script nonce="${nonce}">${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
