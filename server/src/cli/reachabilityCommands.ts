import { parseArgs } from 'node:util';
import {
  LineIndex,
  PROTOCOLS,
  ReachabilityIndex,
  computeConnectivity,
  connectivityJson,
  diffConnectivity,
  explainConnection,
  flowImpact,
  formatPortSet,
  formatExplanation,
  type ConnectionChange,
  type FlowChange,
  type FlowImpact,
  type ConnectionJson,
  type ConnectivityJson,
  type Explanation,
  type PortQuery,
  type SideExplanation,
} from '../core';
import type { SourceRef } from '../core/inventory/model';
import { DEFAULT_SETTINGS } from '../settings';
import { resolve } from 'node:path';
import { UsageError, collectInputs, type InputFile } from './files';
import { flowFilesOf, flowReadLine, loadFlows, withoutFlowFiles } from './flowOptions';
import { gitInputs } from './gitInputs';
import { defaultJobs } from './loadFiles';
import { loadInputs, loadInventory, readConfig, type LoadThreads, type LoadedInventory } from './loadInventory';
import type { CliIO } from './main';

export const CONNECTIVITY_USAGE = `Usage: netpol-guardrails connectivity [options] [PATH...]

Prints which workloads and external address ranges may talk to which, on which protocols and
ports, as Kubernetes NetworkPolicy semantics decide from the manifests (.yaml, .yml, .json;
folders are searched recursively; - reads stdin).

Options:
  --format text|json|csv|md|dot   output format (default: text); json is a stable contract
  --max-file-size BYTES           skip larger files (default: ${DEFAULT_SETTINGS.maxFileSize})
  --config FILE                   guardrail configuration, for its defaultNamespace
                                  (default: ./.netpol-guardrails.yaml when present)
  -h, --help                      show this help

Exit codes: 0 printed, 2 usage or I/O error.`;

export const EXPLAIN_USAGE = `Usage: netpol-guardrails explain --from ENDPOINT --to ENDPOINT [--port PORT[/PROTOCOL]] [PATH...]

Explains whether a connection is allowed and why: which policies isolate each side and which
rules allow it, with file and line. ENDPOINT is a workload as namespace/name (a Pod owned by a
controller goes by its owner's name) or an IP address. PORT defaults to TCP (8080, 53/UDP).

Options:
  --format text|json   output format (default: text)
  --max-file-size BYTES
  --config FILE        guardrail configuration, for its defaultNamespace (default: ./.netpol-guardrails.yaml)
  -h, --help

Exit codes: 0 allowed (on some port, or on PORT), 1 denied, 2 usage or I/O error.`;

export const DIFF_USAGE = `Usage: netpol-guardrails diff [options] BEFORE AFTER
       netpol-guardrails diff [options] --git REF [PATH...]

Compares what the manifests in BEFORE and AFTER (folders or files) allow: the connections an
edit adds, removes, or changes (ports opened and closed), with the same semantics as connectivity.
With --git, BEFORE is PATH (default .) as committed in REF and AFTER is PATH in the working tree.

Options:
  --git REF            compare git revision REF (read with git ls-tree and git show) with the files
  --flows FILE         observed flows (formats as for check --flows; repeat it or separate with
                       commas): also say which observed flows the change cuts off or newly allows
  --top N              observed flows listed for each (default: 10)
  --format text|json   output format (default: text)
  --max-file-size BYTES
  --config FILE        guardrail configuration, for its defaultNamespace (default: ./.netpol-guardrails.yaml)
  -h, --help

Exit codes: 0 no change, 1 connectivity changes, 2 usage or I/O error. With --flows: 0 when no
observed flow is cut off, 1 when the change cuts off observed traffic (for CI), 2 as above.`;

function maxFileSizeOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SETTINGS.maxFileSize;
  const size = Number(value);
  if (!Number.isInteger(size) || size <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
  return size;
}

function warnRejected(loaded: LoadedInventory, io: CliIO): void {
  if (loaded.rejectedPolicies > 0) {
    io.stderr(`netpol-guardrails: ${loaded.rejectedPolicies} NetworkPolicy object(s) left out: kube-apiserver would reject them (run check to see why)\n`);
  }
}

function shortPorts(c: ConnectionJson, separator: string): string {
  if (c.all) return 'all ports';
  return PROTOCOLS.flatMap((p) => {
    const ranges = c.ports?.[p];
    return ranges ? [`${p} ${ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(separator)}`] : [];
  }).join('; ');
}

function protocolCell(c: ConnectionJson, protocol: (typeof PROTOCOLS)[number]): string {
  if (c.all) return '1-65535';
  return (c.ports?.[protocol] ?? []).map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(';');
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function dotEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function dotString(value: string): string {
  return `"${dotEscape(value)}"`;
}

export function formatConnectivity(json: ConnectivityJson, format: 'text' | 'csv' | 'md' | 'dot'): string {
  switch (format) {
    case 'csv':
      return ['src,dst,all,tcp,udp,sctp', ...json.connections.map((c) => [c.src, c.dst, String(c.all), ...PROTOCOLS.map((p) => protocolCell(c, p))].map(csvField).join(','))].join('\n');
    case 'md':
      return [
        '| Source | Destination | Allowed |',
        '| --- | --- | --- |',
        ...json.connections.map((c) => `| \`${c.src}\` | \`${c.dst}\` | ${shortPorts(c, ', ')} |`),
      ].join('\n');
    case 'dot': {
      const lines = ['digraph connectivity {', '  rankdir=LR;', '  node [shape=box];'];
      for (const e of json.endpoints) {
        const label = e.type === 'workload' ? `"${dotEscape(e.kind)}\\n${dotEscape(e.id)}"` : dotString(e.id);
        lines.push(`  ${dotString(e.id)} [label=${label}${e.type === 'external' ? ', shape=ellipse' : ''}];`);
      }
      for (const c of json.connections) lines.push(`  ${dotString(c.src)} -> ${dotString(c.dst)} [label=${dotString(shortPorts(c, ','))}];`);
      lines.push('}');
      return lines.join('\n');
    }
    case 'text': {
      const workloads = json.endpoints.filter((e) => e.type === 'workload').length;
      const lines = [`${workloads} workload(s), ${json.endpoints.length - workloads} external address range(s), ${json.connections.length} allowed connection(s)`];
      for (const c of json.connections) lines.push(`${c.src} -> ${c.dst}: ${shortPorts(c, ', ')}`);
      return lines.join('\n');
    }
  }
}

export function connectivityCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${CONNECTIVITY_USAGE}\n`);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'csv' && format !== 'md' && format !== 'dot') {
    throw new UsageError(`--format must be text, json, csv, md or dot, not "${format}"`);
  }
  const loaded = loadInventory(positionals.length > 0 ? positionals : ['.'], io.cwd, io.readStdin, readConfig(values.config, io.cwd), maxFileSizeOf(values['max-file-size']), threadsOf(io));
  warnRejected(loaded, io);
  const json = connectivityJson(computeConnectivity(new ReachabilityIndex(loaded.inventory)));
  io.stdout(`${format === 'json' ? JSON.stringify(json, null, 2) : formatConnectivity(json, format)}\n`);
  return 0;
}

/** The threads `check` would use (its default --jobs), for reading the inputs. */
function threadsOf(io: CliIO): LoadThreads {
  return { jobs: defaultJobs(), workerScript: io.workerScript };
}

/** `8080`, `8080/TCP`, `53/udp`. */
export function parsePortQuery(text: string): PortQuery {
  const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
  const port = Number(match?.[1]);
  if (!match || port < 1 || port > 65535) throw new UsageError(`--port must be a port 1-65535 with an optional /TCP, /UDP or /SCTP, not "${text}"`);
  return { port, protocol: (match[2]?.toUpperCase() ?? 'TCP') as PortQuery['protocol'] };
}

function locator(loaded: LoadedInventory): (source: SourceRef) => { file: string; line: number; character: number } {
  const indexes = new Map<string, LineIndex>();
  return (source) => {
    let index = indexes.get(source.file);
    if (!index) indexes.set(source.file, (index = new LineIndex(loaded.texts.get(source.file) ?? '')));
    const position = index.position(source.range.start);
    return { file: source.file, line: position.line + 1, character: position.character + 1 };
  };
}

function explanationJson(e: Explanation, locate: ReturnType<typeof locator>): unknown {
  const side = (s: SideExplanation): unknown => ({
    direction: s.direction,
    endpoint: s.endpoint,
    subject: s.subject,
    isolated: s.isolated,
    isolatingPolicies: s.isolatingPolicies.map((p) => ({ namespace: p.namespace, name: p.name, ...locate(p.source) })),
    allowingRules: s.allowingRules.map((r) => ({
      policy: `${r.policy.namespace}/${r.policy.name}`,
      ruleIndex: r.ruleIndex,
      matchedPeers: r.matchedPeers,
      ports: connectionPorts(r.ports),
      ...locate(r.source),
    })),
    allowed: connectionPorts(s.allowed),
  });
  return {
    version: 1,
    from: e.from.id,
    to: e.to.id,
    ...(e.port ? { port: e.port } : {}),
    verdict: e.verdict,
    allowed: connectionPorts(e.allowed),
    egress: side(e.egress),
    ingress: side(e.ingress),
  };
}

function connectionPorts(set: Explanation['allowed']): Pick<ConnectionJson, 'all' | 'ports'> {
  const all = PROTOCOLS.every((p) => set[p].length === 2 && set[p][0] === 1 && set[p][1] === 65535);
  if (all) return { all: true };
  const ports: NonNullable<ConnectionJson['ports']> = {};
  for (const p of PROTOCOLS) {
    const r = set[p];
    if (r.length === 0) continue;
    const pairs: [number, number][] = [];
    for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
    ports[p] = pairs;
  }
  return { all: false, ports };
}

export function explainCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      port: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${EXPLAIN_USAGE}\n`);
    return 0;
  }
  if (values.from === undefined || values.to === undefined) throw new UsageError('explain needs --from and --to');
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const port = values.port === undefined ? undefined : parsePortQuery(values.port);
  const loaded = loadInventory(positionals.length > 0 ? positionals : ['.'], io.cwd, io.readStdin, readConfig(values.config, io.cwd), maxFileSizeOf(values['max-file-size']), threadsOf(io));
  warnRejected(loaded, io);
  const index = new ReachabilityIndex(loaded.inventory);
  const resolve = (text: string, flag: string): number => {
    const found = index.find(text);
    if (found !== undefined) return found;
    const near = index.endpoints.filter((e) => e.type === 'workload' && (e.name === text || `${e.namespace}/${e.name}` === text)).map((e) => e.id);
    throw new UsageError(`${flag} ${text}: no such workload or IP address${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ' (use namespace/name or an IP address)'}`);
  };
  const from = resolve(values.from, '--from');
  const to = resolve(values.to, '--to');
  const explanation = explainConnection(index, from, to, port);
  const locate = locator(loaded);
  if (format === 'json') io.stdout(`${JSON.stringify(explanationJson(explanation, locate), null, 2)}\n`);
  else
    io.stdout(
      `${formatExplanation(explanation, (source) => {
        const l = locate(source);
        return `${l.file}:${l.line}`;
      })}\n`,
    );
  return explanation.verdict === 'denied' ? 1 : 0;
}

function diffEntryJson(c: ConnectionChange): unknown {
  return { src: c.src, dst: c.dst, before: connectionPorts(c.before), after: connectionPorts(c.after), opened: connectionPorts(c.opened), closed: connectionPorts(c.closed) };
}

function flowChangeJson(c: FlowChange): unknown {
  return { flow: c.text, observations: c.observations, forwarded: c.flow.forwarded, dropped: c.flow.dropped, examples: c.flow.examples };
}

function flowImpactJson(impact: FlowImpact): Record<string, unknown> {
  return {
    cutOff: impact.cutOff.map(flowChangeJson),
    newlyAllowed: impact.newlyAllowed.map(flowChangeJson),
    cutOffObservations: impact.cutOffObservations,
    newlyAllowedObservations: impact.newlyAllowedObservations,
    notEvaluated: impact.notEvaluated,
  };
}

/** The observed flows an edit cuts off and newly allows, the `top` of each by observations. */
export function flowImpactLines(impact: FlowImpact, top: number): string[] {
  const lines = [`observed flows: the change cuts off ${impact.cutOff.length} (${impact.cutOffObservations} observation(s)) and newly allows ${impact.newlyAllowed.length} (${impact.newlyAllowedObservations} observation(s))`];
  const list = (label: string, changes: readonly FlowChange[]): void => {
    for (const c of changes.slice(0, top)) {
      const example = c.flow.examples[0];
      lines.push(`  ${label} ${c.text}: ${c.observations} observation(s)${example ? `, e.g. ${example.file}:${example.line}` : ''}`);
    }
    if (changes.length > top) lines.push(`  ... and ${changes.length - top} more`);
  };
  list('cuts off', impact.cutOff);
  list('allows', impact.newlyAllowed);
  if (impact.notEvaluated > 0) lines.push(`  ${impact.notEvaluated} flow(s) not judged (an end the manifests do not define on both sides)`);
  return lines;
}

export function diffCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      git: { type: 'string' },
      flows: { type: 'string', multiple: true },
      top: { type: 'string' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${DIFF_USAGE}\n`);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const maxFileSize = maxFileSizeOf(values['max-file-size']);
  const config = readConfig(values.config, io.cwd);
  let before: LoadedInventory;
  let after: LoadedInventory;
  const flowFiles = flowFilesOf(values.flows, io.cwd);
  // the flow files may sit in a folder given as a path: they are not manifests
  const manifests = (paths: readonly string[]): InputFile[] => withoutFlowFiles(collectInputs(paths, io.cwd, io.readStdin), flowFiles);
  if (values.git !== undefined) {
    const paths = positionals.length > 0 ? positionals : ['.'];
    before = loadInputs(gitInputs(values.git, paths, io.cwd).filter((input) => !flowFiles.some((f) => f.path === resolve(io.cwd, input.path))), config, maxFileSize, threadsOf(io));
    after = loadInputs(manifests(paths), config, maxFileSize, threadsOf(io));
  } else {
    const [beforePath, afterPath, ...extra] = positionals;
    if (beforePath === undefined || afterPath === undefined || extra.length > 0) throw new UsageError('diff needs exactly two paths: BEFORE AFTER (or --git REF [PATH...])');
    before = loadInputs(manifests([beforePath]), config, maxFileSize, threadsOf(io));
    after = loadInputs(manifests([afterPath]), config, maxFileSize, threadsOf(io));
  }
  warnRejected(before, io);
  warnRejected(after, io);
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError('--top must be a number of flows');
  const flows = flowFiles.length > 0 ? loadFlows(flowFiles, after.inventory, io, defaultJobs()) : undefined;
  const diff = diffConnectivity(before.inventory, after.inventory);
  const impact = flows ? flowImpact(before.inventory, after.inventory, flows.flows) : undefined;
  const changes = diff.added.length + diff.removed.length + diff.changed.length;
  if (format === 'json') {
    const observed = impact && flows ? { counts: flows.counts, ...flowImpactJson(impact) } : undefined;
    io.stdout(`${JSON.stringify({ version: 1, added: diff.added.map(diffEntryJson), removed: diff.removed.map(diffEntryJson), changed: diff.changed.map(diffEntryJson), ...(observed ? { observedFlows: observed } : {}) }, null, 2)}\n`);
  } else {
    const lines: string[] = [];
    for (const c of diff.added) lines.push(`+ ${c.src} -> ${c.dst}: ${formatPortSet(c.after)}`);
    for (const c of diff.removed) lines.push(`- ${c.src} -> ${c.dst}: ${formatPortSet(c.before)}`);
    for (const c of diff.changed) {
      const parts = [];
      if (c.opened.TCP.length + c.opened.UDP.length + c.opened.SCTP.length > 0) parts.push(`opens ${formatPortSet(c.opened)}`);
      if (c.closed.TCP.length + c.closed.UDP.length + c.closed.SCTP.length > 0) parts.push(`closes ${formatPortSet(c.closed)}`);
      lines.push(`~ ${c.src} -> ${c.dst}: ${parts.join(', ')} (now ${formatPortSet(c.after)})`);
    }
    lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed connection(s)`);
    if (impact && flows) lines.push(...flowImpactLines(impact, top), flowReadLine(flows));
    io.stdout(`${lines.join('\n')}\n`);
  }
  if (impact) return impact.cutOff.length > 0 ? 1 : 0;
  return changes > 0 ? 1 : 0;
}
