import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TextDocuments, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { AuthoringAction, TextEdit } from '../core/authoring';
import { newPolicyFileName, type PolicyFile } from '../core/authoring/fileNames';
import type { Inventory } from '../core';
import type { TemplateTarget } from '../settings';

/** What the client can do with the edits and commands of code actions. */
export interface ClientFeatures {
  /** workspace.workspaceEdit.resourceOperations includes `create` (and documentChanges) */
  readonly createFiles: boolean;
  /** the client runs netpolGuardrails.insertTemplate (InitializationOptions) */
  readonly insertTemplateCommand: boolean;
}

export function textEditsOf(document: TextDocument, edits: readonly TextEdit[]): WorkspaceEdit {
  return {
    changes: {
      [document.uri]: edits.map((e) => ({ range: { start: document.positionAt(e.range.start), end: document.positionAt(e.range.end) }, newText: e.newText })),
    },
  };
}

/**
 * Where the templates of one request write their new policies: the file's folder listing and its
 * policy files, read once per request and only when the setting asks for new files.
 */
export class PolicyEditTarget {
  private folder: Promise<{ dir: string; files: PolicyFile[]; taken: Set<string> } | undefined> | undefined;
  /** file names handed out by this request (two actions of one list never share one) */
  private readonly given = new Set<string>();

  constructor(
    private readonly document: TextDocument,
    private readonly target: TemplateTarget,
    private readonly features: ClientFeatures,
    private readonly inventory: Inventory,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly log: (message: string) => void,
  ) {}

  /** The WorkspaceEdit of an action: a new file for a lone new policy when the setting says so and the client can. */
  async edit(action: AuthoringAction): Promise<WorkspaceEdit> {
    const policy = action.newPolicy;
    if (!policy || action.edits.length !== 1 || this.target !== 'newFile' || !this.features.createFiles) return textEditsOf(this.document, action.edits);
    const folder = await this.folderState();
    if (!folder) return textEditsOf(this.document, action.edits);
    const name = newPolicyFileName(folder.files, new Set([...folder.taken, ...this.given]), policy);
    this.given.add(name);
    const uri = URI.file(join(folder.dir, name)).toString();
    return {
      documentChanges: [
        // never overwrite: the name is free now, and a file created meanwhile makes the edit fail instead
        { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: policy.text }] },
      ],
    };
  }

  private folderState(): Promise<{ dir: string; files: PolicyFile[]; taken: Set<string> } | undefined> {
    this.folder ??= this.readFolder();
    return this.folder;
  }

  private async readFolder(): Promise<{ dir: string; files: PolicyFile[]; taken: Set<string> } | undefined> {
    const uri = URI.parse(this.document.uri);
    // an untitled document has no folder to put a file beside
    if (uri.scheme !== 'file') return undefined;
    const dir = dirname(uri.fsPath);
    const taken = new Set<string>();
    try {
      for (const entry of await readdir(dir)) taken.add(entry);
    } catch (error) {
      this.log(`Cannot list ${dir} for a new policy file (writing into the current file instead): ${String(error)}`);
      return undefined;
    }
    const byFile = new Map<string, { name: string; namespace: string }[]>();
    for (const policy of this.inventory.policies) {
      let path: string;
      try {
        const file = URI.parse(policy.source.file);
        if (file.scheme !== 'file') continue;
        path = file.fsPath;
      } catch (error) {
        this.log(`Not a file URI: ${policy.source.file}: ${String(error)}`);
        continue;
      }
      if (dirname(path) !== dir) continue;
      const name = basename(path);
      byFile.set(name, [...(byFile.get(name) ?? []), { name: policy.name, namespace: policy.namespace }]);
    }
    // documents open but not saved yet hold their names too
    for (const open of this.documents.all()) {
      const file = URI.parse(open.uri);
      if (file.scheme === 'file' && dirname(file.fsPath) === dir) taken.add(basename(file.fsPath));
    }
    return { dir, files: [...byFile].map(([fileName, policies]) => ({ fileName, policies })), taken };
  }
}
