import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { URI } from 'vscode-uri';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, decodeManifestBytes, flowImpact, formatPortSet, type FlowChange } from '../core';
import type { SourceRef } from '../core/inventory/model';
import { connectivityImpact, inventoryWithFile, type ImpactEntry, type ImpactReason } from '../core/reachability/impact';
import { ShowImpactRequest, type ImpactConnection, type ImpactObservedFlows, type ShowImpactParams, type ShowImpactResult } from '../protocol';
import { placeLabels, relativeLabel } from './explainConnection';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * netpolGuardrails/showImpact (the command netpolGuardrails.showImpact): what an edit of one file
 * opens and cuts off. The edit is the editor's unsaved text against the saved file or, with
 * nothing unsaved, the file against git HEAD (read-only: `git cat-file`, `git show`); the rest of
 * the folder is as the index holds it, on both sides.
 */

const GIT_TIMEOUT_MS = 10_000;
/** observed flows listed per section of the view */
const TOP_FLOWS = 10;

function git(args: readonly string[], cwd: string): Promise<{ ok: true; stdout: Buffer } | { ok: false; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, stderr: stderr.toString('utf8').trim() || error.message });
      else resolve({ ok: true, stdout });
    });
  });
}

type Base = { text: string | undefined; note?: string } | { error: string };

/** The file at HEAD (undefined text: not in HEAD), or why there is none. */
async function headText(path: string): Promise<Base> {
  const cwd = dirname(path);
  const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (!inside.ok || inside.stdout.toString('utf8').trim() !== 'true') return { error: 'No unsaved changes, and the file is not in a git repository: there is nothing to compare it with.' };
  if (!(await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], cwd)).ok) return { error: 'No unsaved changes, and the git repository has no commit yet: there is nothing to compare the file with.' };
  // `./name`: relative to cwd, not to the repository's root
  const spec = `HEAD:./${basename(path)}`;
  if (!(await git(['cat-file', '-e', spec], cwd)).ok) return { text: undefined, note: 'The file is new (not in HEAD): everything it declares is compared with its absence.' };
  const shown = await git(['show', spec], cwd);
  if (!shown.ok) return { error: `Cannot read the file at HEAD: ${shown.stderr}` };
  const decoded = decodeManifestBytes(shown.stdout);
  return 'skipped' in decoded ? { error: 'The file at HEAD is not a text manifest.' } : { text: decoded.text };
}

async function diskText(path: string): Promise<string | undefined> {
  try {
    const decoded = decodeManifestBytes(await readFile(path));
    return 'skipped' in decoded ? undefined : decoded.text;
  } catch {
    // not saved yet (or deleted since): the edit adds the whole file
    return undefined;
  }
}

function reasonText(reason: ImpactReason, where: string): string {
  const rule = reason.ruleIndex === undefined ? '' : ` ${reason.direction} rule ${reason.ruleIndex + 1}`;
  const policy = `${reason.namespace}/${reason.name}`;
  switch (reason.kind) {
    case 'allowed-by':
      return `allowed by ${policy}${rule} (${where})`;
    case 'no-longer-allowed-by':
      return `no longer allowed by ${policy}${rule} (${where})`;
    case 'now-isolated-by':
      return `now isolated for ${reason.direction} by ${policy} (${where})`;
    case 'no-longer-isolated-by':
      return `no longer isolated for ${reason.direction} by ${policy} (${where})`;
  }
}

export async function showImpact(index: WorkspaceIndex, params: ShowImpactParams, editorDocument: (uri: string) => TextDocument | undefined, textDocument: (uri: string) => TextDocument | undefined, token?: CancellationToken): Promise<ShowImpactResult> {
  const uri = params.uri;
  const parsed = URI.parse(uri);
  const open = editorDocument(uri);
  const saved = parsed.scheme === 'file' ? await diskText(parsed.fsPath) : undefined;
  const empty = { opens: [], cutsOff: [], references: [] };
  if (parsed.scheme !== 'file') return { base: 'saved', ...empty, text: '', error: 'Only files on disk have an impact view.' };
  let base: ShowImpactResult['base'];
  let beforeText: string | undefined;
  let afterText: string | undefined;
  let note: string | undefined;
  if (open && open.getText() !== saved) {
    base = 'saved';
    beforeText = saved;
    afterText = open.getText();
    if (saved === undefined) note = 'The file is not on disk: everything it declares is compared with its absence.';
  } else {
    base = 'HEAD';
    afterText = open?.getText() ?? saved;
    const head = await headText(parsed.fsPath);
    if ('error' in head) return { base, ...empty, text: `# Impact of changes: ${basename(parsed.fsPath)}\n\n${head.error}\n`, error: head.error };
    beforeText = head.text;
    note = head.note;
  }
  const { folderUri, inventory, flows } = await index.folderInventory(undefined, uri);
  const objectsOf = (text: string | undefined) => (text === undefined ? [] : analyzeText(text).objects);
  const before = inventoryWithFile(inventory, uri, objectsOf(beforeText));
  const after = inventoryWithFile(inventory, uri, objectsOf(afterText));
  const impact = connectivityImpact(before, after, token);
  const flowChanges = flows ? flowImpact(before, after, flows.flows, token) : undefined;
  const flowLine = (c: FlowChange): string => {
    const example = c.flow.examples[0];
    return `${c.text}: ${c.observations} observation${c.observations === 1 ? '' : 's'}${example ? ` (${example.file}:${example.line})` : ''}`;
  };
  const observedFlows: ImpactObservedFlows | undefined = flowChanges && {
    cutOff: flowChanges.cutOff.length,
    cutOffObservations: flowChanges.cutOffObservations,
    newlyAllowed: flowChanges.newlyAllowed.length,
    newlyAllowedObservations: flowChanges.newlyAllowedObservations,
    topCutOff: flowChanges.cutOff.slice(0, TOP_FLOWS).map(flowLine),
    topNewlyAllowed: flowChanges.newlyAllowed.slice(0, TOP_FLOWS).map(flowLine),
  };

  const places = placeLabels(folderUri, textDocument);
  const label = relativeLabel(folderUri, uri);
  const beforeDocument = TextDocument.create(uri, 'yaml', 0, beforeText ?? '');
  const afterDocument = TextDocument.create(uri, 'yaml', 0, afterText ?? '');
  const baseName = base === 'saved' ? 'the saved file' : 'HEAD';
  const where = (reason: ImpactReason): string => {
    const source: SourceRef = reason.source;
    if (source.file === uri && reason.side === 'before') {
      // a line of the old text: no link into the edited one, whose lines may have moved
      return `line ${beforeDocument.positionAt(source.range.start).line + 1} in ${baseName}`;
    }
    return source.file === uri ? places.label(source, afterDocument) : places.label(source);
  };
  const connection = (entry: ImpactEntry): ImpactConnection => ({
    src: entry.src,
    dst: entry.dst,
    ports: formatPortSet(entry.ports),
    now: formatPortSet(entry.now),
    whole: entry.whole,
    policies: entry.reasons.map((r) => reasonText(r, where(r))),
  });
  const opens = impact.opens.map(connection);
  const cutsOff = impact.cutsOff.map(connection);

  const lines: string[] = [`# Impact of ${base === 'saved' ? 'unsaved' : 'uncommitted'} changes: ${label}`, ''];
  const compared = base === 'saved' ? 'The editor’s text compared with the file as saved on disk' : 'The file in the working tree compared with git HEAD';
  lines.push(`${compared}; the rest of the folder as it is now.`, '');
  if (note) lines.push(note, '');
  const section = (title: string, list: readonly ImpactConnection[], describe: (c: ImpactConnection) => string): void => {
    lines.push(`## ${title} (${list.length})`, '');
    if (list.length === 0) lines.push('Nothing.');
    for (const c of list) {
      lines.push(`- ${c.src} -> ${c.dst}: ${describe(c)}`);
      for (const p of c.policies) lines.push(`  - ${p}`);
    }
    lines.push('');
  };
  section('Opens', opens, (c) => (c.whole ? `${c.ports} (a new connection)` : `${c.ports} (now ${c.now})`));
  section('Cuts off', cutsOff, (c) => (c.whole ? `${c.ports} (nothing left)` : `${c.ports} (now ${c.now})`));
  if (impact.unexplained > 0) lines.push(`The policies involved are shown for the first ${opens.length + cutsOff.length - impact.unexplained} connections only.`, '');
  if (observedFlows) {
    lines.push('## Observed flows', '');
    lines.push(`The change cuts off ${observedFlows.cutOff} observed flow(s) (${observedFlows.cutOffObservations} observations) and newly allows ${observedFlows.newlyAllowed} (${observedFlows.newlyAllowedObservations} observations).`, '');
    const list = (title: string, items: readonly string[], total: number): void => {
      if (total === 0) return;
      lines.push(`${title}:`, '', ...items.map((i) => `- ${i}`));
      if (total > items.length) lines.push(`- … and ${total - items.length} more`);
      lines.push('');
    };
    list('Cut off', observedFlows.topCutOff, observedFlows.cutOff);
    list('Newly allowed', observedFlows.topNewlyAllowed, observedFlows.newlyAllowed);
  }
  return { base, opens, cutsOff, text: lines.join('\n'), references: places.references(), ...(note !== undefined ? { note } : {}), ...(observedFlows ? { observedFlows } : {}) };
}

export function registerShowImpact(connection: Connection, index: WorkspaceIndex, editorDocument: (uri: string) => TextDocument | undefined, textDocument: (uri: string) => TextDocument | undefined): void {
  connection.onRequest(ShowImpactRequest.method, async (params: ShowImpactParams, token: CancellationToken) => {
    try {
      return await showImpact(index, params, editorDocument, textDocument, token);
    } catch (error) {
      connection.console.error(`Show impact failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  });
}
