import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, SEVERITY_ORDER, WorkspaceAnalysis, decodeManifestBytes, fileTooLargeFinding, type Severity } from '../core';
import { DEFAULT_SETTINGS } from '../settings';
import { VERSION } from '../version';
import { UsageError, collectInputs } from './files';
import { formatJson, formatSarif, formatText, locate, summaryLine, type LocatedFinding } from './formats';

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
  -h, --help                 show this help
  -v, --version              show the version

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or I/O error.`;

export interface CliIO {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Uint8Array;
}

function parseSeverity(value: string): Severity {
  if (value === 'error' || value === 'warning' || value === 'info') return value;
  throw new UsageError(`--fail-on must be error, warning or info, not "${value}"`);
}

function check(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      'max-file-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
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
  const paths = positionals.length > 0 ? positionals : ['.'];
  const inputs = collectInputs(paths, io.cwd, io.readStdin);
  const workspace = new WorkspaceAnalysis(DEFAULT_CONFIG, { maxFileSizeBytes: maxFileSize });
  const texts = new Map<string, string>();
  for (const input of inputs) {
    if (input.size !== undefined && input.size > maxFileSize) {
      workspace.setSkipped(input.path, fileTooLargeFinding(input.size, maxFileSize));
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = input.read();
    } catch (error) {
      throw new UsageError(`${input.path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const decoded = decodeManifestBytes(bytes);
    if ('skipped' in decoded) {
      workspace.setSkipped(input.path, decoded.skipped);
      continue;
    }
    texts.set(input.path, decoded.text);
    workspace.update(input.path, decoded.text);
  }
  const byFile = workspace.findings();
  const results: LocatedFinding[] = [];
  for (const input of inputs) results.push(...locate(input.path, texts.get(input.path) ?? '', byFile.get(input.path) ?? []));
  if (format === 'json') io.stdout(`${formatJson(results)}\n`);
  else if (format === 'sarif') io.stdout(`${formatSarif(results)}\n`);
  else {
    if (results.length > 0) io.stdout(`${formatText(results)}\n`);
    io.stderr(`${summaryLine(results, inputs.length)}\n`);
  }
  const threshold = SEVERITY_ORDER[failOn];
  return results.some((r) => SEVERITY_ORDER[r.finding.severity] >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

/** Runs the CLI and returns its exit code; never throws. */
export function runCli(argv: readonly string[], io: CliIO): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return check(rest, io);
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
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`netpol-guardrails: ${(error as Error).message}\n${command === 'check' ? '' : `\n${USAGE}\n`}`);
      return EXIT_USAGE;
    }
    io.stderr(`netpol-guardrails: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE;
  }
}

export function readStdinSync(): Uint8Array {
  return readFileSync(0);
}
