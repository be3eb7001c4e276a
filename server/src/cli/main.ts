import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CONFIG_FILE_NAME,
  DEFAULT_CONFIG,
  GUARDRAIL_RULES,
  SEVERITY_ORDER,
  formatCoverageText,
  formatFlowSummary,
  parseConfig,
  type Finding,
  type GuardrailConfig,
  type Severity,
} from '../core';
import { DEFAULT_SETTINGS } from '../settings';
import { VERSION } from '../version';
import { UsageError, collectInputs } from './files';
import { defaultJobs, loadFiles, workspaceOf } from './loadFiles';
import { formatJson, formatSarif, formatText, locate, summaryLine, type LocatedFinding } from './formats';
import { compareWithBaseline } from '../report';
import { readBaseline, reportFormatOf, writeCheckReport } from './checkReport';
import { flowFilesOf, flowReadLine, loadFlows, withoutFlowFiles } from './flowOptions';
import { CONNECTIVITY_USAGE, DIFF_USAGE, EXPLAIN_USAGE, connectivityCommand, diffCommand, explainCommand } from './reachabilityCommands';
import { DRIFT_USAGE, driftCommand } from './driftCommand';
import { SYNTHESIZE_USAGE, synthesizeCommand } from './synthesizeCommand';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: netpol-guardrails check [options] [PATH...]

Checks Kubernetes NetworkPolicy manifests (.yaml, .yml, .json; folders are searched
recursively; - reads stdin) for everything kube-apiserver would reject.

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on error|warning|info
                             exit 1 when a finding at or above this severity exists
                             (default: error)
  --max-file-size BYTES      skip larger files (default: ${DEFAULT_SETTINGS.maxFileSize})
  --config FILE              guardrail configuration (default: ./${CONFIG_FILE_NAME} if present)
  --coverage                 also print the per-namespace coverage summary
  --report FILE              also write a report: FILE.html a standalone page (coverage,
                             findings, connectivity graph and matrix), FILE.md a Markdown
                             summary for CI job summaries and pull request comments
  --baseline FILE            compare with an earlier --format json result: report new and
                             fixed findings, and apply --fail-on to new findings only
  --flows FILE               observed flows to check the policies against (Hubble's
                             \`hubble observe -o json\` lines, or the generic JSON lines / CSV of
                             docs/flows.md); repeat it or separate files with commas. Enables
                             observed-flow-blocked and observed-flow-unexpected and prints the
                             observed flows allowed / blocked
  --jobs N                   threads that read and analyse files (default: the cores, at most 4)
  -h, --help                 show this help
  -v, --version              show the version

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or I/O error.

Other commands: connectivity (what may talk to what), explain (why a connection is allowed
or denied), diff (what an edit opens and cuts off), drift (the repository against a cluster),
synthesize (least-privilege policies from observed flows); netpol-guardrails COMMAND --help for each.`;

export interface CliIO {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Uint8Array;
  /** the script analysis threads run (dist/cliMain.js, its bundle); without it everything runs on one thread */
  readonly workerScript?: string | undefined;
}

function parseSeverity(value: string): Severity {
  if (value === 'error' || value === 'warning' || value === 'info') return value;
  throw new UsageError(`--fail-on must be error, warning or info, not "${value}"`);
}

function loadConfig(path: string | undefined, cwd: string): { config: GuardrailConfig; configFile: string | undefined; configText: string; configFindings: Finding[] } {
  const explicit = path !== undefined;
  const file = resolve(cwd, path ?? CONFIG_FILE_NAME);
  if (!existsSync(file)) {
    if (explicit) throw new UsageError(`${path}: no such file or directory`);
    return { config: DEFAULT_CONFIG, configFile: undefined, configText: '', configFindings: [] };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${path ?? CONFIG_FILE_NAME}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { config, findings } = parseConfig(text, GUARDRAIL_RULES.map((r) => r.id));
  return { config, configFile: relative(cwd, file) || file, configText: text, configFindings: findings };
}

function check(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      coverage: { type: 'boolean', default: false },
      report: { type: 'string' },
      baseline: { type: 'string' },
      jobs: { type: 'string' },
      flows: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a positive number of threads');
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  }
  const failOn = parseSeverity(values['fail-on']);
  let maxFileSize = DEFAULT_SETTINGS.maxFileSize;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
  }
  if (values.report !== undefined) reportFormatOf(values.report);
  const baseline = values.baseline === undefined ? undefined : readBaseline(values.baseline, io.cwd);
  const paths = positionals.length > 0 ? positionals : ['.'];
  const flowFiles = flowFilesOf(values.flows, io.cwd);
  const inputs = withoutFlowFiles(collectInputs(paths, io.cwd, io.readStdin), flowFiles);
  const { config, configFile, configText, configFindings } = loadConfig(values.config, io.cwd);
  const options = { maxFileSizeBytes: maxFileSize };
  const loaded = loadFiles(inputs, options, jobs, io.workerScript);
  const workspace = workspaceOf(loaded, config, options);
  const flows = flowFiles.length > 0 ? loadFlows(flowFiles, workspace.inventory(), io, jobs) : undefined;
  if (flows) workspace.setFlows({ flows: flows.flows });
  const texts = new Map<string, string>();
  for (const f of loaded) if (!('skipped' in f)) texts.set(f.path, f.text);
  const byFile = workspace.findings();
  const results: LocatedFinding[] = [];
  if (configFile !== undefined) results.push(...locate(configFile, configText, configFindings));
  for (const input of inputs) results.push(...locate(input.path, texts.get(input.path) ?? '', byFile.get(input.path) ?? []));
  const coverageReport = values.coverage || values.report !== undefined ? workspace.coverage() : undefined;
  const comparison = baseline ? compareWithBaseline(results.map((r) => ({ ruleId: r.finding.ruleId, file: r.file, message: r.finding.message, fingerprint: r.fingerprint })), baseline.findings) : undefined;
  if (values.report !== undefined && coverageReport) {
    writeCheckReport({
      path: values.report,
      cwd: io.cwd,
      results,
      files: inputs.length,
      loaded,
      config,
      inventory: workspace.inventory(),
      coverage: coverageReport,
      baseline: baseline && comparison ? { file: baseline.file, comparison } : undefined,
      env: process.env,
    });
  }
  const flowSummary = flows ? workspace.coverage().observedFlows : undefined;
  if (format === 'json') {
    const observedFlows = flows && flowSummary ? { counts: flows.counts, problems: flows.problems, ...flowSummary } : undefined;
    io.stdout(`${formatJson(results, values.coverage ? coverageReport : undefined, baseline && comparison ? { file: baseline.file, status: comparison.status, fixed: comparison.fixed } : undefined, observedFlows)}\n`);
  }
  else if (format === 'sarif') io.stdout(`${formatSarif(results, comparison?.status)}\n`);
  else {
    if (results.length > 0) io.stdout(`${formatText(results)}\n`);
    if (coverageReport && values.coverage) io.stdout(`\nCoverage by namespace:\n${formatCoverageText(coverageReport)}\n`);
    io.stderr(`${summaryLine(results, inputs.length)}\n`);
    if (flows && flowSummary) io.stderr(`${flowReadLine(flows)}\n${formatFlowSummary(flowSummary)}\n`);
    if (baseline && comparison) io.stderr(`compared with ${baseline.file}: ${comparison.status.filter((s) => s === 'new').length} new, ${comparison.fixed.length} fixed\n`);
  }
  const threshold = SEVERITY_ORDER[failOn];
  // with a baseline, only new findings fail the check: CI fails on what a change introduced
  const counted = comparison ? results.filter((_, i) => comparison.status[i] === 'new') : results;
  return counted.some((r) => SEVERITY_ORDER[r.finding.severity] >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

/** Runs the CLI and returns its exit code (a promise for the commands that talk to a cluster); never throws. */
export function runCli(argv: readonly string[], io: CliIO): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'drift':
        return driftCommand(rest, io).catch((error: unknown) => failed(command, error, io));
      case 'check':
        return check(rest, io);
      case 'connectivity':
        return connectivityCommand(rest, io);
      case 'explain':
        return explainCommand(rest, io);
      case 'diff':
        return diffCommand(rest, io);
      case 'synthesize':
        return synthesizeCommand(rest, io);
      case '-v':
      case '--version':
        io.stdout(`${VERSION}\n`);
        return EXIT_OK;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return failed(command, error, io);
  }
}

function failed(command: string | undefined, error: unknown, io: CliIO): number {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    const usage = command === 'connectivity' ? CONNECTIVITY_USAGE : command === 'explain' ? EXPLAIN_USAGE : command === 'diff' ? DIFF_USAGE : command === 'drift' ? DRIFT_USAGE : command === 'synthesize' ? SYNTHESIZE_USAGE : USAGE;
    io.stderr(`netpol-guardrails: ${(error as Error).message}\n${command === 'check' ? '' : `\n${usage}\n`}`);
    return EXIT_USAGE;
  }
  io.stderr(`netpol-guardrails: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_USAGE;
}

export function readStdinSync(): Uint8Array {
  return readFileSync(0);
}
