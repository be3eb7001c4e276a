import { readStdinSync, runCli } from './main';

// Entry of dist/cli.js (the `netpol-guardrails` bin).
const code = runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readStdinSync,
});
process.exitCode = code;
