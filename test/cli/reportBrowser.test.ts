import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The standalone HTML report in a real headless browser: Debian's chromium driven by
 * playwright-core. The screenshot is left in test-results/report.png (a CI artifact).
 */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const out = join(root, 'test-results');
const report = join(out, 'report.html');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

interface CoverageRow {
  namespace: string;
  workloads: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
  isolatedIngress: number;
  isolatedEgress: number;
  dnsEgressAllowed: number;
  allowAllRules: number;
  publicExposures: number;
}

interface ExplainSide {
  direction: 'ingress' | 'egress';
  endpoint: string;
  subject: string;
  isolated: boolean;
  isolatingPolicies: { namespace: string; name: string; file: string; line: number }[];
  allowingRules: { policy: string; ruleIndex: number; file: string; line: number }[];
}

/** `explain --format json` for a pair: the report's "why" must say the same. */
function explain(from: string, to: string): { verdict: string; egress: ExplainSide; ingress: ExplainSide } {
  const r = spawnSync(process.execPath, [cli, 'explain', '--from', from, '--to', to, '--format', 'json', 'examples'], { cwd: root, encoding: 'utf8' });
  return JSON.parse(r.stdout) as { verdict: string; egress: ExplainSide; ingress: ExplainSide };
}

function assertWhySays(why: string, from: string, to: string): void {
  const e = explain(from, to);
  const verdict = { allowed: 'ALLOWED on every port', 'partially-allowed': 'ALLOWED only on', denied: 'DENIED' }[e.verdict] ?? e.verdict;
  assert.ok(why.includes(`${from} → ${to}: ${verdict}`), `verdict ${e.verdict} in: ${why}`);
  for (const side of [e.egress, e.ingress]) {
    if (side.subject !== 'workload') continue;
    if (!side.isolated) {
      assert.ok(why.includes(`${side.direction} of ${side.endpoint}: not isolated`), why);
      continue;
    }
    for (const p of side.isolatingPolicies) assert.ok(why.includes(`${p.namespace}/${p.name} (${p.file}:${p.line})`), `${p.name} in: ${why}`);
    for (const r of side.allowingRules) assert.ok(why.includes(`allowed by ${r.policy} ${side.direction} rule ${r.ruleIndex + 1} (${r.file}:${r.line})`), `rule of ${r.policy} in: ${why}`);
    if (side.allowingRules.length === 0) assert.ok(why.includes(`no rule of these policies allows traffic ${side.direction === 'egress' ? 'to' : 'from'}`), why);
  }
}

export async function launchChromium(): Promise<Browser> {
  // no skip: a missing browser is a broken test machine, and says how to mend it
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium, or bash .ci/e2e-deps.sh)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

describe('report: standalone HTML in headless chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];
  let coverage: CoverageRow[];
  let totals: CoverageRow & { namespaces: number };
  let shopFindings: number;

  before(async () => {
    mkdirSync(out, { recursive: true });
    const run = spawnSync(process.execPath, [cli, 'check', '--coverage', '--format', 'json', '--report', report, 'examples'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const json = JSON.parse(run.stdout) as { coverage: { namespaces: CoverageRow[]; totals: CoverageRow & { namespaces: number } }; findings: { file: string }[] };
    coverage = json.coverage.namespaces;
    totals = json.coverage.totals;
    // examples/shop/ holds the shop namespace's objects only
    shopFindings = json.findings.filter((f) => f.file.startsWith('examples/shop/')).length;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    // injected by the driver, outside the page's CSP: every violation becomes a console error
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));" });
    await page.goto(pathToFileURL(report).toString());
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  });
  after(async () => {
    await browser?.close();
  });

  it('loads offline under its CSP, with no errors', async () => {
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'/);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
    // cytoscape drew the namespace graph on its canvases (after the tables and the matrix)
    await page.waitForSelector('body[data-graph-ready="true"]', { timeout: 15_000 });
    assert.ok((await page.locator('#graph canvas').count()) > 0);
  });

  it('shows the coverage figures of check --coverage', async () => {
    const rows = await Promise.all((await page.locator('#coverage tbody tr[data-namespace]').all()).map(async (tr) => (await tr.locator('th, td').allTextContents()).map((t) => t.trim())));
    const expected = coverage.map((n) => [
      n.namespace,
      String(n.workloads),
      n.defaultDenyIngress ? 'yes' : 'no',
      n.defaultDenyEgress ? 'yes' : 'no',
      `${n.isolatedIngress}/${n.workloads}`,
      `${n.isolatedEgress}/${n.workloads}`,
      `${n.dnsEgressAllowed}/${n.isolatedEgress}`,
      String(n.allowAllRules),
      String(n.publicExposures),
    ]);
    assert.deepEqual(rows, expected);
    // the examples' README figures, as a reader sees them
    assert.deepEqual(
      rows.find((r) => r[0] === 'shop'),
      ['shop', '3', 'yes', 'yes', '3/3', '3/3', '1/3', '0', '0'],
    );
    const total = (await page.locator('#coverage tr.total > *').allTextContents()).map((t) => t.trim());
    const t = totals;
    assert.deepEqual(total, [
      `total (${t.namespaces})`,
      String(t.workloads),
      `${t.defaultDenyIngress}/${t.namespaces}`,
      `${t.defaultDenyEgress}/${t.namespaces}`,
      `${t.isolatedIngress}/${t.workloads}`,
      `${t.isolatedEgress}/${t.workloads}`,
      `${t.dnsEgressAllowed}/${t.isolatedEgress}`,
      String(t.allowAllRules),
      String(t.publicExposures),
    ]);
  });

  it('explains an allowed matrix cell as explain does', async () => {
    // monitoring/prometheus is not isolated; its traffic to the api-gateway is allowed only on some ports
    const cell = page.locator('#matrix .grid-cell[aria-label^="monitoring/prometheus to platform/api-gateway: allowed on "]');
    await cell.click();
    const why = (await page.textContent('#why')) ?? '';
    assert.match(why, /egress of monitoring\/prometheus: not isolated/);
    assert.match(why, /allowed by platform\/api-gateway ingress rule \d+ \(examples\/platform\/gateway-[a-z-]*policy\.yaml:\d+\)/);
    assertWhySays(why, 'monitoring/prometheus', 'platform/api-gateway');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
    assert.ok(statSync(join(out, 'report.png')).size > 10_000);
  });

  it('filters by namespace, and explains a denied cell reached by keyboard', async () => {
    await page.click('#ns-filter button[data-ns="shop"]');
    assert.equal(await page.getAttribute('#ns-filter button[data-ns="shop"]', 'aria-pressed'), 'true');
    const shown = await Promise.all((await page.locator('#coverage tbody tr[data-namespace]:not([hidden])').all()).map((tr) => tr.getAttribute('data-namespace')));
    assert.deepEqual(shown, ['shop']);
    assert.equal(await page.locator('#findings-list li.finding').count(), shopFindings);
    const rows = await page.locator('#matrix .grid-row').allTextContents();
    assert.deepEqual(rows, ['shop/api', 'shop/frontend', 'shop/postgres']);

    // the matrix is a grid: arrows move the active cell, Enter explains it
    await page.click('#matrix .grid-cell[data-r="0"][data-c="0"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const why = (await page.textContent('#why')) ?? '';
    assert.match(why, /shop\/frontend → shop\/api: DENIED/);
    assert.match(why, /egress of shop\/frontend: isolated by shop\/default-deny-all \(examples\/shop\/default-deny\.yaml:6\)/);
    assertWhySays(why, 'shop/frontend', 'shop/api');
    const href = await page.getAttribute('#why a[data-file="examples/shop/default-deny.yaml"]', 'href');
    assert.equal(href, '../examples/shop/default-deny.yaml#L6');

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(out, 'report-shop.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  it('aggregates the matrix by namespace beyond its limit, and opens a namespace from a cell', async () => {
    // the limit is 2,000 workloads; ?matrixMax lowers it so that the 9 example workloads exceed it
    const small = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    small.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    try {
      await small.goto(`${pathToFileURL(report).toString()}?matrixMax=4`);
      await small.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      assert.match((await small.textContent('#matrix-note')) ?? '', /workloads: more than 4, so the matrix shows namespaces/);
      const rows = await small.locator('#matrix .grid-row').allTextContents();
      assert.ok(rows.includes('shop (3)') && rows.includes('external (8)'), rows.join(', '));
      const shop = rows.indexOf('shop (3)');
      await small.click(`#matrix .grid-cell[data-r="${shop}"][data-c="${shop}"]`);
      assert.equal(await small.getAttribute('#ns-filter button[data-ns="shop"]', 'aria-pressed'), 'true');
      assert.deepEqual(await small.locator('#matrix .grid-row').allTextContents(), ['shop/api', 'shop/frontend', 'shop/postgres']);
    } finally {
      await small.close();
    }
    assert.deepEqual(problems, []);
  });
});
