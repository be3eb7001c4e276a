import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SYNTHESIS_OPTIONS, describeFlow, synthesizePolicies, verifySynthesis, type SynthesisOptions, type SynthesisResult, type SynthesisVerification } from '../core';
import { unifiedDiff } from '../core/model/unifiedDiff';
import type { FlowFilesResult } from '../flowFiles';
import { DEFAULT_SETTINGS } from '../settings';
import { UsageError, collectInputs } from './files';
import { flowFilesOf, flowReadLine, loadFlows, withoutFlowFiles } from './flowOptions';
import { defaultJobs } from './loadFiles';
import { loadInputs, readConfig } from './loadInventory';
import type { CliIO } from './main';

export const SYNTHESIZE_USAGE = `Usage: netpol-guardrails synthesize --flows FILE [--flows FILE...] [options] [PATH...]

Generates least-privilege NetworkPolicies from observed flows: for each namespace, a default-deny
of ingress and egress, DNS egress to selectors.dns, and per workload the exact allows its
forwarded flows need (selectors from stable pod labels, exact ports, external addresses as /32 or
/128), each rule commented with the flows that justify it. Flows seen only dropped stay denied.
PATH: the manifests whose workloads and namespaces give the labels (default .).
The result is checked with the reachability engine before it is shown or written.

Options:
  --flows FILE[,FILE]   flow files: Hubble (hubble observe -o json) or the generic JSON lines or
                        CSV (docs/flows.md); repeat or separate with commas for more
  --out DIR             write one file per namespace, DIR/<namespace>.observed-policies.yaml;
                        an existing file is never overwritten without --force
  --force               with --out, overwrite existing files
  --diff                print what --out would write as a unified diff against the files there
                        (or ., without --out) and write nothing
  --namespace NS        police namespace NS (repeat for more; default: every namespace with a
                        workload on a forwarded flow, except the DNS namespace)
  --widen-ipv4 BITS     merge the external IPv4 addresses seen on a port within one /BITS into
                        their smallest covering CIDR (default 32: every address alone)
  --widen-ipv6 BITS     the same for IPv6 (default 128)
  --format yaml|json    yaml: the policies (default); json: policies, counts and checks
  --max-file-size BYTES skip larger manifests (default: ${DEFAULT_SETTINGS.maxFileSize})
  --config FILE         guardrail configuration (default: ./.netpol-guardrails.yaml when present)
  -h, --help            show this help

Exit codes: 0 generated, and it admits every forwarded flow; 1 some forwarded flows cannot be
admitted narrowly (listed) or the check failed; 2 usage or I/O error.`;

function bitsOf(value: string | undefined, flag: string, max: number): number {
  if (value === undefined) return max;
  const bits = Number(value);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new UsageError(`${flag} must be a prefix length 0-${max}, not "${value}"`);
  return bits;
}

const MAX_LISTED = 20;

function resultSummary(result: SynthesisResult, verified: SynthesisVerification, io: CliIO): void {
  const policies = result.namespaces.reduce((n, ns) => n + ns.policies.length, 0);
  io.stderr(
    `synthesized ${policies} policies in ${result.namespaces.length} namespace(s) (${result.policed.join(', ') || 'none'}): ` +
      `${result.admitted} forwarded flow(s) admitted (${result.dns} by the DNS policy), ${result.notForwarded} never forwarded kept denied, ` +
      `${result.outside} outside the policed namespaces, ${result.uncovered.length} not admitted\n`,
  );
  result.uncovered.slice(0, MAX_LISTED).forEach((u) => io.stderr(`not admitted: ${describeFlow(u.flow)}: ${u.reason}\n`));
  if (result.uncovered.length > MAX_LISTED) io.stderr(`... and ${result.uncovered.length - MAX_LISTED} more not admitted\n`);
  for (const note of result.notes) io.stderr(`note: ${note}\n`);
  verified.blocked.slice(0, MAX_LISTED).forEach((b) => io.stderr(`check failed: ${describeFlow(b.flow)} is ${b.reason}\n`));
  verified.unjustified.slice(0, MAX_LISTED).forEach((u) => io.stderr(`beyond the flows: ${u.source} -> ${u.destination}: ${u.ports}\n`));
  if (verified.unjustified.length > MAX_LISTED) io.stderr(`... and ${verified.unjustified.length - MAX_LISTED} more connections beyond the flows\n`);
  for (const e of verified.apiErrors) io.stderr(`check failed: ${e.file}: ${e.message}\n`);
  for (const g of verified.guardrails) io.stderr(`${g.file}: ${g.ruleId}: ${g.message}\n`);
  const ok = verified.blocked.length === 0 && verified.apiErrors.length === 0;
  io.stderr(
    `checked with the reachability engine: ${ok ? `every one of the ${verified.checked} flow(s) allowed` : 'FAILED'}, ` +
      `${verified.unjustified.length === 0 ? 'nothing allowed beyond the flows' : `${verified.unjustified.length} connection(s) beyond the flows (see the notes)`}, ` +
      `${verified.apiErrors.length === 0 ? 'no API errors' : `${verified.apiErrors.length} API error(s)`}\n`,
  );
}

function resultJson(result: SynthesisResult, verified: SynthesisVerification, read: FlowFilesResult, written: readonly string[]): unknown {
  return {
    flows: { files: read.files, records: read.counts.records, distinct: read.counts.flows, malformed: read.counts.malformed, problems: read.problems, unreadable: read.unreadable },
    namespaces: result.namespaces.map((ns) => ({ namespace: ns.namespace, file: ns.fileName, policies: ns.policies, text: ns.text })),
    admitted: result.admitted,
    dns: result.dns,
    notForwarded: result.notForwarded,
    outside: result.outside,
    uncovered: result.uncovered.map((u) => ({ flow: describeFlow(u.flow), reason: u.reason })),
    notes: result.notes,
    check: {
      checked: verified.checked,
      blocked: verified.blocked.map((b) => ({ flow: describeFlow(b.flow), reason: b.reason })),
      unjustified: verified.unjustified,
      apiErrors: verified.apiErrors,
      guardrails: verified.guardrails,
    },
    written,
  };
}

export function synthesizeCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      flows: { type: 'string', multiple: true },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      diff: { type: 'boolean', default: false },
      namespace: { type: 'string', multiple: true },
      'widen-ipv4': { type: 'string' },
      'widen-ipv6': { type: 'string' },
      format: { type: 'string', default: 'yaml' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${SYNTHESIZE_USAGE}\n`);
    return 0;
  }
  const flowFiles = flowFilesOf(values.flows, io.cwd);
  if (flowFiles.length === 0) throw new UsageError('--flows FILE is required');
  const format = values.format;
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format must be yaml or json, not "${format}"`);
  if (values.force && values.out === undefined) throw new UsageError('--force needs --out DIR');
  const namespaces = values.namespace;
  const options: SynthesisOptions = {
    ...DEFAULT_SYNTHESIS_OPTIONS,
    widenIPv4: bitsOf(values['widen-ipv4'], '--widen-ipv4', 32),
    widenIPv6: bitsOf(values['widen-ipv6'], '--widen-ipv6', 128),
    namespaces,
  };
  let maxFileSize = DEFAULT_SETTINGS.maxFileSize;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
  }
  const outDir = values.out === undefined ? undefined : resolve(io.cwd, values.out);
  if (outDir !== undefined && existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${values.out}: not a folder`);
  const config = readConfig(values.config, io.cwd);
  // a folder given as PATH may hold the flow files too: they are no manifests
  const inputs = withoutFlowFiles(collectInputs(positionals.length > 0 ? positionals : ['.'], io.cwd, io.readStdin), flowFiles);
  const loaded = loadInputs(inputs, config, maxFileSize, { jobs: defaultJobs(), workerScript: io.workerScript });
  const read = loadFlows(flowFiles, loaded.inventory, io, defaultJobs());
  io.stderr(`${flowReadLine(read)}\n`);
  const result = synthesizePolicies(read.flows, loaded.inventory, config, options);
  const verified = verifySynthesis(read.flows, loaded.inventory, config, result, options);
  resultSummary(result, verified, io);
  const failed = result.uncovered.length > 0 || verified.blocked.length > 0 || verified.apiErrors.length > 0;

  const written: string[] = [];
  const target = outDir ?? io.cwd;
  const shown = (file: string): string => relative(io.cwd, join(target, file)) || file;
  if (values.diff) {
    const parts: string[] = [];
    for (const ns of result.namespaces) {
      const path = join(target, ns.fileName);
      const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      parts.push(unifiedDiff(`a/${shown(ns.fileName)}`, `b/${shown(ns.fileName)}`, before, ns.text));
    }
    if (format === 'json') io.stdout(`${JSON.stringify({ ...(resultJson(result, verified, read, written) as object), diff: parts.join('') }, null, 2)}\n`);
    else io.stdout(parts.join(''));
    return failed ? 1 : 0;
  }
  if (outDir !== undefined) {
    const existing = result.namespaces.filter((ns) => existsSync(join(outDir, ns.fileName)));
    if (existing.length > 0 && !values.force) {
      throw new UsageError(`${existing.map((ns) => shown(ns.fileName)).join(', ')}: already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite, or --diff to compare`);
    }
    mkdirSync(outDir, { recursive: true });
    for (const ns of result.namespaces) {
      writeFileSync(join(outDir, ns.fileName), ns.text);
      written.push(shown(ns.fileName));
    }
    io.stderr(`wrote ${written.join(', ') || 'nothing'}\n`);
    if (format === 'json') io.stdout(`${JSON.stringify(resultJson(result, verified, read, written), null, 2)}\n`);
    return failed ? 1 : 0;
  }
  if (format === 'json') io.stdout(`${JSON.stringify(resultJson(result, verified, read, written), null, 2)}\n`);
  else io.stdout(result.namespaces.map((ns) => `# ${ns.fileName}\n${ns.text}`).join('---\n'));
  return failed ? 1 : 0;
}
