// Diagnostic probe for the lobby bench: records GC pauses and event-loop stalls (a 5 ms timer that
// came more than 2 ms late, with the process's own CPU time meanwhile: little CPU = it waited for a
// core) of every Node process of a run, with wall-clock times, one file per process. Usage:
//   LOOP_PROBE_DIR=DIR NODE_OPTIONS="--require ./packages/bench/scripts/loop-probe.cjs" \
//     node packages/bench/dist/cli.js lobby --json FILE
// (the bench's children inherit NODE_OPTIONS). Diagnostic only; it costs ~1 % of a core per process.
const { PerformanceObserver, performance } = require('node:perf_hooks');
const fs = require('node:fs');
const dir = process.env.LOOP_PROBE_DIR;
if (dir) {
  const origin = performance.timeOrigin;
  const lines = [];
  const role = process.argv
    .slice(1)
    .map((a) => a.split('/').pop())
    .join(' ')
    .slice(0, 80);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      lines.push(
        `gc ${(origin + e.startTime).toFixed(3)} ${e.duration.toFixed(3)} ${e.detail?.kind ?? e.kind}`,
      );
    }
  }).observe({ entryTypes: ['gc'] });
  const period = 5;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const t = setInterval(() => {
    const now = performance.now();
    const late = now - last - period;
    if (late > 2) {
      const cpu = process.cpuUsage(lastCpu);
      lines.push(
        `stall ${(origin + last).toFixed(3)} ${late.toFixed(3)} ${((cpu.user + cpu.system) / 1000).toFixed(3)}`,
      );
    }
    last = now;
    lastCpu = process.cpuUsage();
  }, period);
  t.unref();
  const file = `${dir}/${process.pid}.log`;
  fs.writeFileSync(file, `role ${role}\n`);
  const flush = () => {
    if (lines.length) {
      try {
        fs.appendFileSync(file, lines.join('\n') + '\n');
      } catch {}
      lines.length = 0;
    }
  };
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
