import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { URI } from 'vscode-uri';
import type { Connection, TextDocuments, WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CONFIG_FILE_NAME,
  DEFAULT_CONFIG,
  GUARDRAIL_RULES,
  WorkspaceAnalysis,
  decodeManifestBytes,
  fileTooLargeFinding,
  parseConfig,
  type ClusterObjects,
  type CoverageReport,
  type Finding,
  type GuardrailConfig,
  type Inventory,
  type ObservedFlows,
} from '../core';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { PARALLEL_MIN_FILES, analyseOnThreads, receiveFile } from '../analysisThreads';
import { canonicalClusterUri, isClusterUri } from '../cluster/clusterInventory';
import { readFlowFiles, type FlowThreads } from '../flowFiles';

/** One workspace folder (or the loose files outside every folder): its files, config and analysis. */
interface FolderState {
  readonly uri: string;
  readonly path: string | undefined;
  readonly analysis: WorkspaceAnalysis;
  configFindings: Finding[];
  matcher: ((relativePath: string) => boolean) | undefined;
  excludesDirectory?: (relativePath: string) => boolean;
  maxFileSize: number;
  /** this folder's findings by file, until something in it changes */
  findings?: Map<string, Finding[]> | undefined;
  /** what the findings of each file looked like when the client was last told */
  fingerprints: Map<string, string>;
  /** the observed flow files of netpolGuardrails.flows (absolute paths): not manifests */
  flowFiles: ReadonlySet<string>;
  /** netpolGuardrails.flows as the folder's settings give it (relative to the folder, or absolute) */
  flowPaths: readonly string[];
  /** counts the reads of the flow files: a read that a later one (or a rescan) supersedes is dropped */
  flowsGeneration: number;
}

export interface WorkspaceIndexOptions {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** settings for a resource (folder or file) URI */
  readonly settings: (uri: string) => Promise<Settings>;
  /** VS Code's files.exclude for a folder, as glob -> enabled */
  readonly filesExclude: (folderUri: string) => Promise<Record<string, unknown>>;
  /** the server finished work that may change diagnostics of files other than the one edited */
  readonly onOthersChanged: () => void;
  /** full reads of many files run on up to `jobs` worker threads running `script` (analysisThreads.ts) */
  readonly analysisThreads?: { readonly script: string; readonly jobs: number };
  /** the text of an object that is not a file (a cluster object's netpol-cluster: URI), for positions */
  readonly externalText?: (uri: string) => string | undefined;
}

/** Cluster objects (netpol-cluster: URIs) are never files of the index. */

const CONFIG_RULE_IDS = GUARDRAIL_RULES.map((r) => r.id);

/**
 * The index of every workspace folder: all manifests on disk, overlaid by the open documents'
 * text, kept current on edits and watched-file events. Diagnostics of any file come from it, so
 * guardrails see the whole workspace while the user types.
 */
export class WorkspaceIndex {
  private readonly folders = new Map<string, FolderState>();
  private readonly loose: FolderState = newFolderState('', undefined);
  private scanning: Promise<void> = Promise.resolve();
  /** document versions whose text the index holds */
  private readonly indexedVersions = new Map<string, number>();
  /** the latest pending update of each open document */
  private readonly pending = new Map<string, Promise<void>>();
  /** the connected cluster's objects, merged into each folder's inventory as its inventorySource says */
  private clusterObjects: ClusterObjects | undefined;

  constructor(private readonly options: WorkspaceIndexOptions) {}

  /** Replace the folder set and scan them all (in the background: edits stay responsive). */
  setFolders(folders: readonly WorkspaceFolder[]): Promise<void> {
    this.folders.clear();
    for (const folder of folders) {
      const uri = folder.uri.replace(/\/$/, '');
      const parsed = URI.parse(uri);
      this.folders.set(uri, newFolderState(uri, parsed.scheme === 'file' ? parsed.fsPath : undefined));
    }
    return this.rescanAll();
  }

  whenScanned(): Promise<void> {
    return this.scanning;
  }

  /** Rescan every folder; requests wait for it. Open documents are re-applied afterwards. */
  rescanAll(): Promise<void> {
    this.scanning = this.scanning.then(async () => {
      for (const folder of this.folders.values()) await this.scanFolder(folder);
      // the scan emptied the folders: open documents must be indexed again from the editor
      this.indexedVersions.clear();
      for (const folder of this.folders.values()) folder.findings = undefined;
      this.loose.findings = undefined;
      this.options.onOthersChanged();
      // after the scan, not in it: requests (hovers, completion, diagnostics) never wait for the flows
      for (const folder of this.folders.values()) this.readFlowsLater(folder);
    });
    return this.scanning;
  }

  /** The threads a large flow file is parsed on (flowFiles.ts): the analysis threads. */
  flowThreads(): FlowThreads | undefined {
    return this.options.analysisThreads;
  }

  /**
   * Reads the folder's observed flow files off the path of requests (a capture of a million records
   * takes seconds, which neither start-up nor typing should wait for); the client is asked to
   * refresh when the findings moved.
   */
  private readFlowsLater(folder: FolderState): void {
    if (folder.flowPaths.length === 0) return;
    const generation = ++folder.flowsGeneration;
    this.loadFlows(folder, generation).then(
      (applied) => {
        if (applied) this.notifyIfOthersChanged([folder], undefined);
      },
      (error: unknown) => this.options.connection.console.error(`Observed flows: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
  }

  private folderOf(uri: string): FolderState {
    let best: FolderState | undefined;
    for (const folder of this.folders.values()) {
      if (uri.startsWith(`${folder.uri}/`) && (!best || folder.uri.length > best.uri.length)) best = folder;
    }
    return best ?? this.loose;
  }

  private async loadConfig(folder: FolderState): Promise<void> {
    if (!folder.path) return;
    const configPath = join(folder.path, CONFIG_FILE_NAME);
    let text: string;
    try {
      text = await readFile(configPath, 'utf8');
    } catch {
      folder.configFindings = [];
      folder.analysis.setConfig(DEFAULT_CONFIG, { maxFileSizeBytes: folder.maxFileSize });
      return;
    }
    const open = this.options.documents.get(URI.file(configPath).toString());
    const { config, findings } = parseConfig(open?.getText() ?? text, CONFIG_RULE_IDS);
    folder.configFindings = findings;
    folder.analysis.setConfig(config, { maxFileSizeBytes: folder.maxFileSize });
  }

  private async scanFolder(folder: FolderState): Promise<void> {
    if (!folder.path) return;
    const settings = await this.options.settings(folder.uri);
    const filesExclude = await this.options.filesExclude(folder.uri);
    const excluded = [...settings.exclude, ...Object.entries(filesExclude).filter(([, on]) => on === true).map(([glob]) => glob)];
    const include = picomatch([...settings.include], { dot: true });
    const exclude = excluded.length > 0 ? picomatch(excluded, { dot: true }) : () => false;
    const flowFiles = new Set(settings.flows.map((f) => resolve(folder.path!, f)));
    folder.flowFiles = flowFiles;
    // read after the scan (readFlowsLater); a disabled folder has none
    folder.flowPaths = settings.enable ? settings.flows : [];
    // a read of the flows still running maps pods to the workloads of the files this scan replaces
    folder.flowsGeneration++;
    if (folder.flowPaths.length === 0) folder.analysis.setFlows(undefined);
    folder.matcher = (path: string) => include(path) && !exclude(path) && !flowFiles.has(join(folder.path!, path));
    folder.excludesDirectory = (path: string) => exclude(path) || exclude(`${path}/.probe`);
    folder.maxFileSize = settings.maxFileSize;
    folder.analysis.setCluster(this.clusterObjects, settings.inventorySource);
    await this.loadConfig(folder);
    for (const name of folder.analysis.fileNames()) folder.analysis.remove(name);
    if (!settings.enable) return;
    const files: string[] = [];
    await this.walk(folder.path, folder, files);
    await this.readAllIntoIndex(folder, files, () => undefined, () => false);
  }

  /**
   * Reads the folder's observed flow files (streamed, without blocking the event loop for more than
   * a chunk), pods mapped to the folder's workloads, for the observed-flow rules. Unreadable files
   * and malformed lines are logged; the rest is used. False when a later read (`generation`) or a
   * rescan superseded this one, which then changes nothing.
   */
  private async loadFlows(folder: FolderState, generation: number): Promise<boolean> {
    const paths = folder.flowPaths;
    if (!folder.path || paths.length === 0) {
      folder.analysis.setFlows(undefined);
      return true;
    }
    const root = folder.path;
    const files = paths.map((p) => ({ name: isAbsolute(p) ? p : relative(root, resolve(root, p)), path: resolve(root, p) }));
    const result = await readFlowFiles(files, { inventory: folder.analysis.inventory() }, undefined, this.flowThreads());
    if (generation !== folder.flowsGeneration) return false;
    const log = this.options.connection.console;
    for (const u of result.unreadable) log.warn(`Observed flows: cannot read ${u.file}: ${u.error}`);
    for (const p of result.problems.slice(0, 20)) log.info(`Observed flows: ${p.file}:${p.line}: skipped: ${p.message}`);
    const c = result.counts;
    log.info(`Observed flows: ${c.records} records (${c.observations} observations) in ${result.files} file(s) -> ${c.flows} distinct flows; ${c.malformed} malformed line(s)`);
    // kept as read: mapped to the folder's workloads again when an edit changes them
    folder.analysis.setFlowPieces(result.pieces);
    return true;
  }

  /**
   * Read `files` into the folder, in order: on worker threads when there are many, else one by one
   * on this thread, yielding now and then so requests (typing) are served during a long read.
   * `progress` hears files done; false when `cancelled` stopped it (what was read one by one stays
   * indexed; a cancelled read on threads applies nothing).
   */
  private async readAllIntoIndex(folder: FolderState, files: readonly string[], progress: (done: number) => void, cancelled: () => boolean): Promise<boolean> {
    const threads = this.options.analysisThreads;
    if (threads && threads.jobs > 1 && files.length >= PARALLEL_MIN_FILES) {
      try {
        return await this.readOnThreads(folder, files, threads, progress, cancelled);
      } catch (error) {
        this.options.connection.console.warn(`Reading on analysis threads failed (${String(error)}); reading the files one by one`);
      }
    }
    let done = 0;
    for (const file of files) {
      if (cancelled()) return false;
      await this.readIntoIndex(folder, file);
      progress(++done);
      if (done % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  }

  /** readAllIntoIndex on threads: the same outcome file by file as readIntoIndex (test/lsp/analysisThreads.test.ts). */
  private async readOnThreads(folder: FolderState, files: readonly string[], threads: { script: string; jobs: number }, progress: (done: number) => void, cancelled: () => boolean): Promise<boolean> {
    const inputs = files.map((file) => ({ path: URI.file(file).toString(), file, size: undefined })).filter((f) => !this.options.documents.get(f.path));
    const messages = await analyseOnThreads(inputs, { maxFileSizeBytes: folder.maxFileSize }, threads.jobs, threads.script, { progress, cancelled });
    if (!messages) return false;
    this.options.connection.console.log(`Read ${inputs.length} files of ${folder.uri} on ${threads.jobs} analysis threads`);
    let count = 0;
    for (const message of messages) {
      const result = receiveFile(message);
      const uri = result.path;
      // the editor's text wins, also for a document opened during the read
      if (!this.options.documents.get(uri)) {
        if ('skipped' in result) folder.analysis.setSkipped(uri, result.skipped);
        else if ('readError' in result) {
          folder.analysis.remove(uri);
          this.options.connection.console.log(`Cannot read ${URI.parse(uri).fsPath}: ${result.readError}`);
        } else folder.analysis.setAnalysed(uri, result.text, result.analysis);
      }
      if (++count % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  }

  private async walk(dir: string, folder: FolderState, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      this.options.connection.console.warn(`Cannot read folder ${dir}: ${String(error)}`);
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const rel = relative(folder.path ?? '', full).split('\\').join('/');
      if (entry.isDirectory()) {
        if (folder.excludesDirectory?.(rel)) continue;
        await this.walk(full, folder, out);
      } else if (entry.isFile() && folder.matcher?.(rel)) {
        out.push(full);
      }
    }
  }

  private async readIntoIndex(folder: FolderState, path: string): Promise<void> {
    const uri = URI.file(path).toString();
    if (this.options.documents.get(uri)) return; // the editor's text wins
    try {
      const info = await stat(path);
      if (info.size > folder.maxFileSize) {
        folder.analysis.setSkipped(uri, fileTooLargeFinding(info.size, folder.maxFileSize));
        return;
      }
      const decoded = decodeManifestBytes(await readFile(path));
      if ('skipped' in decoded) folder.analysis.setSkipped(uri, decoded.skipped);
      else folder.analysis.update(uri, decoded.text);
    } catch (error) {
      folder.analysis.remove(uri);
      this.options.connection.console.log(`Cannot read ${path}: ${String(error)}`);
    }
  }

  /** Whether a file URI belongs in the index (under a folder, matching include/exclude). */
  private indexed(uri: string): { folder: FolderState; path: string } | undefined {
    const folder = this.folderOf(uri);
    const parsed = URI.parse(uri);
    if (folder === this.loose || !folder.path || parsed.scheme !== 'file') return undefined;
    const rel = relative(folder.path, parsed.fsPath).split('\\').join('/');
    if (rel.startsWith('..') || !folder.matcher?.(rel)) return undefined;
    return { folder, path: parsed.fsPath };
  }

  private isConfigFile(uri: string): FolderState | undefined {
    const folder = this.folderOf(uri);
    return folder !== this.loose && uri === `${folder.uri}/${CONFIG_FILE_NAME}` ? folder : undefined;
  }

  /**
   * The connected cluster's objects changed (undefined: none now): every folder merges them as its
   * inventorySource setting says, and the client is asked to refresh if any findings moved.
   */
  async setClusterObjects(objects: ClusterObjects | undefined): Promise<void> {
    await this.scanning;
    this.clusterObjects = objects;
    const folders = [...this.folders.values()];
    for (const folder of folders) folder.analysis.setCluster(objects, (await this.options.settings(folder.uri)).inventorySource);
    // files outside every folder see the cluster only when there is no folder
    if (folders.length === 0) this.loose.analysis.setCluster(objects, DEFAULT_SETTINGS.inventorySource);
    this.notifyIfOthersChanged([...folders, this.loose], undefined);
  }

  /** An open document changed (or opened): its text replaces the disk's. */
  documentChanged(document: TextDocument): Promise<void> {
    // a cluster object opened read-only is shown, never indexed as a file
    if (isClusterUri(document.uri)) return Promise.resolve();
    const previous = this.pending.get(document.uri) ?? Promise.resolve();
    // one update at a time per document, in order; a later pull waits for it
    const run = previous.then(() => this.applyDocument(document));
    this.pending.set(document.uri, run);
    return run;
  }

  private async applyDocument(document: TextDocument): Promise<void> {
    await this.scanning;
    if (this.indexedVersions.get(document.uri) === document.version) return;
    const configFolder = this.isConfigFile(document.uri);
    if (configFolder) {
      const { config, findings } = parseConfig(document.getText(), CONFIG_RULE_IDS);
      configFolder.configFindings = findings;
      configFolder.analysis.setConfig(config, { maxFileSizeBytes: configFolder.maxFileSize });
    } else {
      const folder = this.folderOf(document.uri);
      const settings = await this.options.settings(document.uri);
      const text = document.getText();
      const path = URI.parse(document.uri).scheme === 'file' ? URI.parse(document.uri).fsPath : undefined;
      // an observed flow file open in the editor is data, not a manifest
      if (!settings.enable || (path !== undefined && folder.flowFiles.has(path))) folder.analysis.remove(document.uri);
      else if (text.length > settings.maxFileSize) folder.analysis.setSkipped(document.uri, fileTooLargeFinding(text.length, settings.maxFileSize));
      else folder.analysis.update(document.uri, text);
    }
    this.indexedVersions.set(document.uri, document.version);
    this.notifyIfOthersChanged([this.folderOf(document.uri)], document.uri);
  }

  /** An open document closed: fall back to the disk (or drop it if it is not part of the index). */
  async documentClosed(uri: string): Promise<void> {
    if (isClusterUri(uri)) return;
    await this.scanning;
    await this.pending.get(uri);
    this.pending.delete(uri);
    this.indexedVersions.delete(uri);
    const entry = this.indexed(uri);
    if (entry) await this.readIntoIndex(entry.folder, entry.path);
    else this.folderOf(uri).analysis.remove(uri);
    this.notifyIfOthersChanged([this.folderOf(uri)], uri);
  }

  /** Watched-file events: created, changed, deleted (a rename is a delete and a create). */
  async filesChanged(changes: readonly { uri: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.scanning;
    const touched = new Set<FolderState>();
    const flowsChanged = new Set<FolderState>();
    for (const change of changes) {
      const configFolder = this.isConfigFile(change.uri);
      if (configFolder) {
        await this.loadConfig(configFolder);
        touched.add(configFolder);
        continue;
      }
      const flowsFolder = this.flowFileFolder(change.uri);
      if (flowsFolder?.path) {
        // an observed flow file written again (a new capture): the folder's flows are read anew,
        // once for all of its files that changed
        flowsChanged.add(flowsFolder);
        continue;
      }
      if (this.options.documents.get(change.uri)) continue;
      const entry = this.indexed(change.uri);
      if (!entry) continue;
      if (change.type === 3) entry.folder.analysis.remove(change.uri);
      else await this.readIntoIndex(entry.folder, entry.path);
      touched.add(entry.folder);
    }
    for (const folder of flowsChanged) if (await this.loadFlows(folder, ++folder.flowsGeneration)) touched.add(folder);
    this.notifyIfOthersChanged([...touched], undefined);
  }

  /** The folder whose observed flow files include this file URI. */
  private flowFileFolder(uri: string): FolderState | undefined {
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return undefined;
    for (const folder of this.folders.values()) if (folder.flowFiles.has(parsed.fsPath)) return folder;
    return undefined;
  }

  /** `folderUri`'s folder, else the one holding `documentUri`, else the first (the loose files when there is none). */
  private pickFolder(folderUri: string | undefined, documentUri: string | undefined): FolderState {
    const named = folderUri !== undefined ? this.folders.get(folderUri.replace(/\/$/, '')) : undefined;
    const holding = documentUri !== undefined ? this.folderOf(documentUri) : undefined;
    return named ?? (holding !== this.loose ? holding : undefined) ?? this.folders.values().next().value ?? this.loose;
  }

  /** A folder's findings by file, computed once per change in that folder. */
  private findingsOf(folder: FolderState): Map<string, Finding[]> {
    if (folder.findings) return folder.findings;
    const findings = folder.analysis.findings();
    if (folder.configFindings.length > 0) findings.set(`${folder.uri}/${CONFIG_FILE_NAME}`, folder.configFindings);
    folder.findings = findings;
    return findings;
  }

  /** The findings of one file: its own and the guardrails placed in it (current with the editor). */
  async findingsFor(uri: string): Promise<Finding[]> {
    await this.scanning;
    if (isClusterUri(uri)) return this.clusterFindings(uri);
    await this.pending.get(uri);
    const open = this.options.documents.get(uri);
    if (open && this.indexedVersions.get(uri) !== open.version) await this.documentChanged(open);
    return this.findingsOf(this.folderOf(uri)).get(uri) ?? [];
  }

  /** The findings placed in a cluster object: those of every folder whose inventory holds it, once each. */
  private clusterFindings(uri: string): Finding[] {
    const seen = new Set<string>();
    const out: Finding[] = [];
    // the client's URI is VS Code's rewrite of ours (lower-case authority, decoded escapes)
    const wanted = canonicalClusterUri(uri);
    for (const folder of [...this.folders.values(), this.loose]) {
      const findings = this.findingsOf(folder);
      const key = findings.has(uri) ? uri : [...findings.keys()].find((k) => isClusterUri(k) && canonicalClusterUri(k) === wanted);
      for (const f of (key !== undefined ? findings.get(key) : undefined) ?? []) {
        const key = `${f.ruleId}@${f.range.start}-${f.range.end}:${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(f);
      }
    }
    return out;
  }

  /**
   * What authoring needs for a file, without waiting for the re-analysis of pending edits (that
   * re-runs every guardrail): its folder's inventory and configuration as they are, whether they
   * hold the editor's text of the file, and its findings when they do.
   */
  async authoringState(uri: string): Promise<{ current: boolean; findings: Finding[] | undefined; inventory: Inventory; workspaceInventory: Inventory; config: GuardrailConfig }> {
    await this.scanning;
    const folder = this.folderOf(uri);
    const open = this.options.documents.get(uri);
    const current = open === undefined || this.indexedVersions.get(uri) === open.version;
    const findings = current && folder.findings ? (folder.findings.get(uri) ?? []) : undefined;
    return { current, findings, inventory: folder.analysis.inventory(), workspaceInventory: folder.analysis.workspaceInventory(), config: folder.analysis.configuration() };
  }

  /** The coverage summary of a folder (the first, or the loose files when there is none). */
  async coverage(folderUri: string | undefined): Promise<CoverageReport> {
    await this.scanning;
    const folder = this.pickFolder(folderUri, undefined);
    await this.applyOpenDocuments(folder);
    return folder.analysis.coverage();
  }

  /**
   * The folder's open documents whose editor text is not indexed (a rescan empties the folders,
   * and only a diagnostics pull re-applied them): indexed now, so a request reading the folder
   * sees every open document, also one whose editor tab is closed while VS Code keeps it open.
   */
  private async applyOpenDocuments(folder: FolderState): Promise<void> {
    for (const document of this.options.documents.all()) {
      if (isClusterUri(document.uri) || this.folderOf(document.uri) !== folder) continue;
      await this.pending.get(document.uri);
      if (this.indexedVersions.get(document.uri) !== document.version) await this.documentChanged(document);
    }
  }

  /**
   * The inventory of a folder: `folderUri`'s, else that of the folder holding `documentUri`, else
   * the first folder's (the loose files when there is none), as last analysed.
   */
  async folderInventory(folderUri: string | undefined, documentUri: string | undefined): Promise<{ folderUri: string; inventory: Inventory; flows: ObservedFlows | undefined }> {
    await this.scanning;
    const folder = this.pickFolder(folderUri, documentUri);
    await this.applyOpenDocuments(folder);
    return { folderUri: folder.uri, inventory: folder.analysis.inventory(), flows: folder.analysis.flows() };
  }

  /** A document for positions in a file: the editor's, or one made from the indexed text. */
  textDocument(uri: string): TextDocument | undefined {
    const open = this.options.documents.get(uri);
    if (open) return open;
    if (isClusterUri(uri)) {
      const text = this.options.externalText?.(uri);
      // positions only: the document keeps the URI it was asked for
      return text === undefined ? undefined : TextDocument.create(uri, 'json', 0, text);
    }
    const text = this.folderOf(uri).analysis.textOf(uri);
    return text === undefined ? undefined : TextDocument.create(uri, 'yaml', 0, text);
  }

  /**
   * The workspace check: every file of every folder read again from disk (open documents keep the
   * editor's text), then every rule over the result. `report` hears files done out of the total;
   * `cancelled` stops the reading between two files (what was read stays indexed: it is current; on
   * threads, nothing of that folder's read is applied).
   * Returns every file's findings, or undefined when cancelled.
   */
  checkAll(report: (done: number, total: number) => void, cancelled: () => boolean): Promise<Map<string, Finding[]> | undefined> {
    const run = async (): Promise<Map<string, Finding[]> | undefined> => {
      const work: { folder: FolderState; files: string[] }[] = [];
      for (const folder of this.folders.values()) {
        if (!folder.path || !(await this.options.settings(folder.uri)).enable) continue;
        const files: string[] = [];
        await this.walk(folder.path, folder, files);
        work.push({ folder, files });
      }
      const total = work.reduce((n, w) => n + w.files.length, 0);
      let before = 0;
      let reported = 0;
      report(0, total);
      for (const { folder, files } of work) {
        // files deleted behind the watcher's back leave the index
        const present = new Set(files.map((f) => URI.file(f).toString()));
        for (const name of folder.analysis.fileNames()) if (!present.has(name) && !this.options.documents.get(name)) folder.analysis.remove(name);
        const completed = await this.readAllIntoIndex(
          folder,
          files,
          (done) => {
            // threads hear of files in batches: report every 25 files or more
            if (before + done - reported < 25) return;
            reported = before + done;
            report(reported, total);
          },
          cancelled,
        );
        if (!completed) {
          this.notifyIfOthersChanged([folder], undefined);
          return undefined;
        }
        before += files.length;
        // open documents are not read on threads: the count may never reach the folder's end there
        if (before === total) report(total, total);
      }
      this.notifyIfOthersChanged(
        work.map((w) => w.folder),
        undefined,
      );
      const out = new Map<string, Finding[]>();
      for (const { folder } of work) for (const [uri, findings] of this.findingsOf(folder)) out.set(uri, findings);
      return out;
    };
    const result = this.scanning.then(run);
    this.scanning = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A folder's analysis and findings as they are now (the first folder when none is named), for the report. */
  async folderSnapshot(folderUri: string | undefined): Promise<{ uri: string; path: string | undefined; analysis: WorkspaceAnalysis; findings: Map<string, Finding[]> }> {
    await this.scanning;
    const folder = this.pickFolder(folderUri, undefined);
    return { uri: folder.uri, path: folder.path, analysis: folder.analysis, findings: this.findingsOf(folder) };
  }

  /** Every indexed file with its findings. */
  async allFindings(): Promise<Map<string, Finding[]>> {
    await this.scanning;
    const out = new Map<string, Finding[]>();
    for (const folder of [...this.folders.values(), this.loose]) for (const [uri, findings] of this.findingsOf(folder)) out.set(uri, findings);
    return out;
  }

  /**
   * The given folders changed (through `changedUri`, when it was one document): recompute their
   * findings, and ask for a refresh if those of any other file moved.
   */
  private notifyIfOthersChanged(folders: readonly FolderState[], changedUri: string | undefined): void {
    let others = false;
    for (const folder of folders) {
      folder.findings = undefined;
      const next = new Map<string, string>();
      for (const [uri, findings] of this.findingsOf(folder)) {
        next.set(uri, findings.map((f) => `${f.ruleId}@${f.range.start}-${f.range.end}:${f.message}`).join('|'));
      }
      for (const [uri, fingerprint] of next) if (uri !== changedUri && folder.fingerprints.get(uri) !== fingerprint) others = true;
      for (const uri of folder.fingerprints.keys()) if (!next.has(uri) && uri !== changedUri) others = true;
      folder.fingerprints = next;
    }
    if (others) this.options.onOthersChanged();
  }

}

function newFolderState(uri: string, path: string | undefined): FolderState {
  return {
    uri,
    path,
    analysis: new WorkspaceAnalysis(),
    configFindings: [],
    matcher: undefined,
    maxFileSize: DEFAULT_SETTINGS.maxFileSize,
    findings: undefined,
    fingerprints: new Map(),
    flowFiles: new Set(),
    flowPaths: [],
    flowsGeneration: 0,
  };
}
