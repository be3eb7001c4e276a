import { isMainThread, workerData } from 'node:worker_threads';
import { runAnalysisWorker, type WorkerData } from './loadFiles';
import { readStdinSync, runCli } from './main';

// Entry of dist/cli.js (the `netpol-guardrails` bin), and of its analysis threads (loadFiles.ts).
if (!isMainThread && (workerData as Partial<WorkerData> | undefined)?.netpolGuardrailsAnalysis === true) {
  runAnalysisWorker(workerData as WorkerData);
} else {
  const code = runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: readStdinSync,
    workerScript: __filename,
  });
  process.exitCode = code;
}
