import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkspaceAnalysis } from '../../server/src/core';
import { generateWorkspace } from './generateWorkspace';

/**
 * Guardrail benchmarks (issue "Guardrails"): a keystroke in a 500-file / 5,000-resource workspace,
 * and a cold CLI check of a 35,000-file / 50,000-resource tree.
 */

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}
const round = (n: number): number => Math.round(n * 100) / 100;

export function keystrokeBench(): Record<string, unknown> {
  const files = generateWorkspace({ files: 500, resources: 5000, seed: 7 });
  const workspace = new WorkspaceAnalysis();
  const coldStart = performance.now();
  for (const f of files) workspace.update(f.path, f.text);
  workspace.findings();
  const coldMs = performance.now() - coldStart;
  const policyFiles = files.filter((f) => f.text.includes('kind: NetworkPolicy') && f.text.includes('port: 8'));
  const samples: number[] = [];
  let changedFindings = 0;
  for (let i = 0; i < 60; i++) {
    const file = policyFiles[(i * 7) % policyFiles.length]!;
    // one keystroke: change a digit of the allowed port (or break the selector's app label)
    const edited = i % 2 === 0 ? file.text.replace(/port: 8(\d)/, (_m, d: string) => `port: 8${(Number(d) + 1) % 10}`) : file.text.replace('app: svc-', 'app: svcx-');
    const before = performance.now();
    workspace.update(file.path, edited);
    const findings = workspace.findings();
    samples.push(performance.now() - before);
    if ((findings.get(file.path)?.length ?? 0) > 0) changedFindings++;
    workspace.update(file.path, file.text);
  }
  const total = files.reduce((n, f) => n + f.resources, 0);
  return {
    input: { files: files.length, resources: total },
    coldIndexMs: round(coldMs),
    keystrokeMs: { median: round(median(samples)), p95: round(percentile(samples, 95)), goal: 30, met: median(samples) <= 30 },
    editsThatChangedFindings: changedFindings,
  };
}

export function cliScaleBench(cli: string): Record<string, unknown> {
  const files = generateWorkspace({ files: 35000, resources: 50000, seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), 'netpol-cli-bench-'));
  try {
    for (const f of files) {
      const path = join(dir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
    }
    const total = files.reduce((n, f) => n + f.resources, 0);
    const start = performance.now();
    const run = spawnSync(process.execPath, ['--require', join(__dirname, 'peakRss.cjs'), cli, 'check', '--format', 'json', dir], {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
    });
    const seconds = (performance.now() - start) / 1000;
    const peak = /PEAK_RSS_KB=(\d+)/.exec(run.stderr)?.[1];
    const findings = run.stdout ? (JSON.parse(run.stdout) as { findings: unknown[] }).findings.length : -1;
    return {
      input: { files: files.length, resources: total, bytes: files.reduce((n, f) => n + f.text.length, 0) },
      exitCode: run.status,
      seconds: round(seconds),
      resourcesPerSecond: Math.round(total / seconds),
      peakRssMb: peak ? round(Number(peak) / 1024) : null,
      findings,
      goalSeconds: 7,
      met: seconds <= 7,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
