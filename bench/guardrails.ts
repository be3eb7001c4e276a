import { join } from 'node:path';
import { cliScaleBench, keystrokeBench } from './workspace/workspaceBench';

// `node --import tsx bench/guardrails.ts`: the guardrail figures as one JSON object on stdout.
const cli = join(__dirname, '..', 'dist', 'cli.js');
process.stderr.write('guardrails: keystroke in a 500-file workspace...\n');
const keystroke = keystrokeBench();
process.stderr.write('guardrails: cold CLI check of a 35,000-file tree...\n');
const cliScale = cliScaleBench(cli);
process.stdout.write(`${JSON.stringify({ guardrails: { keystroke, cliScale } }, null, 2)}\n`);
