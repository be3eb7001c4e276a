import type { CancellationToken, Connection } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { DEFAULT_SYNTHESIS_OPTIONS, describeFlow, synthesizePolicies, verifySynthesis, type SynthesisOptions } from '../core';
import { readFlowFiles } from '../flowFiles';
import { GeneratePoliciesRequest, type GeneratePoliciesParams, type GeneratePoliciesResult } from '../protocol';
import { relativeLabel } from './explainConnection';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * netpolGuardrails/generatePolicies (the command netpolGuardrails.generatePolicies): reads the
 * flow files (streamed, off the event loop between chunks), synthesizes least-privilege policies
 * over the folder's inventory and configuration, checks them with the reachability engine, and
 * returns the text per namespace. Nothing is written: the client previews the files and writes
 * them as new files when the user confirms.
 */

const MAX_LISTED = 50;

function bits(value: number | undefined, max: number): number {
  return value === undefined || !Number.isInteger(value) || value < 0 || value > max ? max : value;
}

export async function generatePolicies(index: WorkspaceIndex, params: GeneratePoliciesParams, token?: CancellationToken): Promise<GeneratePoliciesResult> {
  const { folderUri } = await index.folderInventory(params.folderUri, params.documentUri);
  const snapshot = await index.folderSnapshot(folderUri);
  const inventory = snapshot.analysis.inventory();
  const config = snapshot.analysis.configuration();
  const files = params.flowFiles.map((uri) => ({ name: relativeLabel(snapshot.uri, uri), path: URI.parse(uri).fsPath }));
  const read = await readFlowFiles(files, { inventory }, token ?? { isCancellationRequested: false }, index.flowThreads());
  const options: SynthesisOptions = {
    ...DEFAULT_SYNTHESIS_OPTIONS,
    widenIPv4: bits(params.widenIPv4, 32),
    widenIPv6: bits(params.widenIPv6, 128),
    namespaces: params.namespaces && params.namespaces.length > 0 ? params.namespaces : undefined,
  };
  const result = synthesizePolicies(read.flows, inventory, config, options);
  const verified = verifySynthesis(read.flows, inventory, config, result, options, token);
  const uncovered = result.uncovered.map((u) => `${describeFlow(u.flow)}: ${u.reason}`);
  const check = {
    checked: verified.checked,
    blocked: verified.blocked.map((b) => `${describeFlow(b.flow)}: ${b.reason}`),
    unjustified: verified.unjustified.map((u) => `${u.source} -> ${u.destination}: ${u.ports}`),
    apiErrors: verified.apiErrors.map((e) => `${e.file}: ${e.message}`),
    guardrails: verified.guardrails.map((g) => `${g.file}: ${g.ruleId}: ${g.message}`),
  };
  const policies = result.namespaces.reduce((n, ns) => n + ns.policies.length, 0);
  const list = (title: string, items: readonly string[]): string[] =>
    items.length === 0 ? [] : ['', `## ${title}`, '', ...items.slice(0, MAX_LISTED).map((i) => `- ${i}`), ...(items.length > MAX_LISTED ? [`- ... and ${items.length - MAX_LISTED} more`] : [])];
  const c = read.counts;
  const summary = [
    '# Policies generated from observed flows',
    '',
    `Read ${c.records} flow record(s) from ${read.files} file(s) into ${c.flows} distinct flow(s)${c.malformed > 0 ? `; ${c.malformed} malformed line(s)` : ''}.`,
    `${policies} policies in ${result.namespaces.length} namespace(s) (${result.policed.join(', ') || 'none'}): ${result.admitted} forwarded flow(s) admitted (${result.dns} by the DNS policy), ` +
      `${result.notForwarded} never forwarded kept denied, ${result.outside} outside the policed namespaces, ${result.uncovered.length} not admitted.`,
    `Checked with the reachability engine: ${check.blocked.length === 0 ? `every one of the ${check.checked} flow(s) allowed` : `${check.blocked.length} flow(s) NOT allowed`}, ` +
      `${check.unjustified.length === 0 ? 'nothing allowed beyond the flows' : `${check.unjustified.length} connection(s) beyond the flows`}, ${check.apiErrors.length === 0 ? 'no API errors' : `${check.apiErrors.length} API error(s)`}.`,
    ...list('Not admitted', uncovered),
    ...list('Notes', result.notes),
    ...list('Check failures', [...check.blocked, ...check.apiErrors]),
    ...list('Allowed beyond the flows', check.unjustified),
    ...list('Guardrail findings', check.guardrails),
    ...list('Flow file problems', [...read.unreadable.map((u) => `${u.file}: cannot read: ${u.error}`), ...read.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)]),
    '',
  ].join('\n');
  return {
    folderUri: snapshot.uri,
    files: result.namespaces.map((ns) => ({ namespace: ns.namespace, fileName: ns.fileName, text: ns.text, policies: ns.policies.map((p) => `${p.purpose} ${p.name}`) })),
    read: { records: c.records, flows: c.flows, malformed: c.malformed, problems: read.problems, unreadable: read.unreadable },
    admitted: result.admitted,
    dns: result.dns,
    notForwarded: result.notForwarded,
    outside: result.outside,
    uncovered,
    notes: result.notes,
    check,
    summary,
  };
}

export function registerGeneratePolicies(connection: Connection, index: WorkspaceIndex): void {
  connection.onRequest(GeneratePoliciesRequest.method, async (params: GeneratePoliciesParams, token: CancellationToken) => {
    try {
      return await generatePolicies(index, params, token);
    } catch (error) {
      connection.console.error(`Generate policies failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  });
}
