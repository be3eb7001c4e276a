import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { workloadInputs } from './reachabilityInputs';

/**
 * `npm run build && node --import tsx bench/report.ts`: the check report's figures as one JSON
 * object on stdout. A generated workspace of 2,000 workloads (40 namespaces of 50, 10 policies
 * each: default deny, DNS, ingress from web tiers and partner namespaces, egress with ipBlocks);
 * `check` with and without --report (the difference is the report's cost), and the first render
 * of the HTML in Debian's chromium (the page's own mark, from navigation start: coverage, findings
 * and the virtualised workload matrix drawn; the namespace graph is laid out just after, reported
 * as graphDrawnMs), as medians of RUNS.
 */

const RUNS = 3;
const NAMESPACES = 40;
const PER_NAMESPACE = 50;
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const out = join(root, 'bench', '.out', 'report');
const workspace = join(out, 'workspace');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeCheck(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args, workspace], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`check failed (${r.status}): ${r.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  for (const f of workloadInputs(NAMESPACES, PER_NAMESPACE, 10)) writeFileSync(join(workspace, f.file), f.text);
  const html = join(out, 'report.html');
  const md = join(out, 'report.md');

  process.stderr.write('report: check with and without --report...\n');
  const plain: number[] = [];
  const withHtml: number[] = [];
  const withMd: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    plain.push(timeCheck([]));
    withHtml.push(timeCheck(['--report', html]));
    withMd.push(timeCheck(['--report', md]));
  }

  process.stderr.write('report: first render in chromium...\n');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    headless: true,
  });
  const render: number[] = [];
  const graph: number[] = [];
  const paint: number[] = [];
  let cells = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(html).toString());
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      render.push(Number(await page.getAttribute('body', 'data-ready-ms')));
      await page.waitForSelector('body[data-graph-ready="true"]', { timeout: 60_000 });
      graph.push(Number(await page.getAttribute('body', 'data-graph-ms')));
      paint.push(Number(await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")));
      cells = await page.locator('#matrix .grid-cell').count();
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(await import('node:fs').then((fs) => fs.readFileSync(html, 'utf8')))![1]!) as {
    connectivity: { endpoints: unknown[]; connections: number; rows: unknown[] };
    findings: unknown[];
  };
  const result = {
    report: {
      workloads: NAMESPACES * PER_NAMESPACE,
      namespaces: NAMESPACES,
      endpoints: data.connectivity.endpoints.length,
      connections: data.connectivity.connections,
      distinctRows: data.connectivity.rows.length,
      findings: data.findings.length,
      checkMs: Math.round(median(plain)),
      checkWithHtmlReportMs: Math.round(median(withHtml)),
      htmlReportMs: Math.round(median(withHtml) - median(plain)),
      checkWithMarkdownReportMs: Math.round(median(withMd)),
      markdownReportMs: Math.round(median(withMd) - median(plain)),
      htmlBytes: statSync(html).size,
      markdownBytes: statSync(md).size,
      firstRenderMs: median(render),
      firstRenderGoalMs: 1000,
      graphDrawnMs: median(graph),
      firstContentfulPaintMs: Math.round(median(paint)),
      matrixCellsInDom: cells,
      runs: RUNS,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main();
