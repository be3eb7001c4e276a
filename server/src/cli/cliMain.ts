import { isMainThread, workerData } from 'node:worker_threads';
import { isAnalysisWorker, runAnalysisWorker } from '../analysisThreads';
import { isFlowWorker, runFlowWorker } from '../flowFiles';
import { readStdinSync, runCli } from './main';

// The CLI's bundle, dist/cliMain.js, loaded by dist/cli.js (cliBoot.ts; the `netpol-guardrails` bin),
// and the entry of its analysis and flow threads (loadFiles.ts, flowFiles.ts).
if (!isMainThread && isAnalysisWorker(workerData)) {
  runAnalysisWorker(workerData);
} else if (!isMainThread && isFlowWorker(workerData)) {
  runFlowWorker(workerData);
} else {
  const code = runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: readStdinSync,
    workerScript: __filename,
  });
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => (process.exitCode = c));
}
