/**
 * A tiny sequential runner for the e2e scenarios, and the waits they use. It prints each scenario
 * with its duration and a closing `e2e: N passed, N failed` line; `run()` rejects when any failed, which
 * VS Code reports as the tests' exit code. Every wait has a deadline and reacts to events: no sleeps.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export interface Scenario {
  readonly name: string;
  /** default 60 s: generous for a 2-core machine, bounded so a hang fails the run */
  readonly timeoutMs?: number;
  run(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs `all` in order. E2E_SCENARIOS (a regular expression, for a developer's quicker run) keeps
 * only the scenarios whose name it matches; unset, every scenario runs.
 */
export async function runScenarios(title: string, all: readonly Scenario[]): Promise<void> {
  const only = process.env['E2E_SCENARIOS'];
  const scenarios = only ? all.filter((s) => new RegExp(only, 'i').test(s.name)) : all;
  console.log(`\n${title}${only ? ` (E2E_SCENARIOS=${only}: ${scenarios.length} of ${all.length})` : ''}`);
  const started = performance.now();
  let failed = 0;
  for (const scenario of scenarios) {
    const scenarioStarted = performance.now();
    try {
      await withDeadline(scenario.run(), scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS, `scenario "${scenario.name}"`);
      console.log(`  ✔ ${scenario.name} (${elapsed(scenarioStarted)} ms)`);
    } catch (error) {
      failed++;
      console.log(`  ✘ ${scenario.name} (${elapsed(scenarioStarted)} ms)`);
      console.log(indent(error instanceof Error ? (error.stack ?? error.message) : String(error), '      '));
    }
  }
  console.log(`\n${title} took ${elapsed(started)} ms`);
  // alone on its line, the form CI logs are read for; the web runner repeats it as its last line
  console.log(`e2e: ${scenarios.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${scenarios.length} e2e scenarios failed`);
}

/** Resolves with `promise`, or rejects once `timeoutMs` has passed, naming what it waited for. */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** This extension's diagnostics for `uri` (other extensions', such as the YAML schema checks, left out). */
export function ourDiagnostics(uri: vscode.Uri, source: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

/**
 * Waits until this extension's diagnostics for `uri` satisfy `predicate`, checking now and on every
 * diagnostics change for that document. On timeout the error shows what was there last.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  source: string,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      subscription.dispose();
      clearTimeout(timer);
    };
    const check = (): void => {
      const diagnostics = ourDiagnostics(uri, source);
      if (!predicate(diagnostics)) return;
      finish();
      resolve(diagnostics);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last diagnostics: ${describeDiagnostics(ourDiagnostics(uri, source))}`));
    }, timeoutMs);
    check();
  });
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${String(diagnosticCode(d))}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`)
    .join(', ');
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** Polls `probe` until it gives a value, with a deadline (for answers that have no event). */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * With E2E_SCREENSHOTS=1 (test/e2e/runE2e.ts), asks the runner to save the workbench as
 * images/screenshots/<name>.png and waits until it has; otherwise does nothing.
 */
export async function screenshot(name: string): Promise<void> {
  const markers = process.env['E2E_SCREENSHOT_DIR'];
  if (!markers) return;
  // the pictures show the editor and the Problems panel, not the chat side bar
  await Promise.resolve(vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar')).catch(() => undefined);
  console.log(`E2E-SCREENSHOT ${name}`);
  await waitFor(() => Promise.resolve(existsSync(join(markers, `${name}.done`)) ? true : undefined), 30_000, `the screenshot ${name}`);
}
