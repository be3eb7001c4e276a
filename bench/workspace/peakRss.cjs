// Preloaded with --require into a process under measurement: prints its peak RSS on exit.
process.on('exit', () => {
  try {
    const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) process.stderr.write(`PEAK_RSS_KB=${match[1]}\n`);
  } catch {
    process.stderr.write('PEAK_RSS_KB=unknown\n');
  }
});
