import { isMainThread, workerData } from 'node:worker_threads';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { defaultJobs, isAnalysisWorker, parseJobs, runAnalysisWorker } from './analysisThreads';
import { isFlowWorker, runFlowWorker } from './flowFiles';
import { startServer } from './server';

// The server's bundle, dist/serverMain.js, loaded by dist/server.js (serverBoot.ts): the transport (--node-ipc, --stdio, --socket=N) comes from argv. The
// same bundle runs the server's analysis threads (analysisThreads.ts); NETPOL_GUARDRAILS_JOBS
// sets how many (1: read on the main thread only).
if (!isMainThread && isAnalysisWorker(workerData)) {
  runAnalysisWorker(workerData);
} else if (!isMainThread && isFlowWorker(workerData)) {
  runFlowWorker(workerData);
} else {
  // startup is measured from the process start (performance's time origin): the bundle's load counts
  startServer(createConnection(ProposedFeatures.all), 0, {
    analysisThreads: { script: __filename, jobs: parseJobs(process.env.NETPOL_GUARDRAILS_JOBS) ?? defaultJobs() },
  });
}
