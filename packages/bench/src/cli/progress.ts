// A one-line progress bar on stderr for long runs. Drawn only when stderr is a TTY, so logs, CI
// output and JSON on stdout never contain carriage returns; redraws at most ten times a second.

export interface ProgressBar {
  update(fraction: number): void;
  /** Clears the line. Safe to call twice. */
  done(): void;
}

interface TtyLike {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export function createProgressBar(label: string, stream: TtyLike = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = performance.now();
  let lastDraw = 0;
  let finished = false;
  const draw = (fraction: number): void => {
    const f = Math.min(1, Math.max(0, fraction));
    const elapsed = (performance.now() - started) / 1000;
    const eta = f > 0.02 ? ` eta ${Math.round((elapsed / f) * (1 - f))}s` : '';
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 24));
    const filled = Math.round(f * width);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(f * 100)}%${eta}\u001b[K`,
    );
  };
  return {
    update(fraction) {
      if (finished) return;
      const t = performance.now();
      if (t - lastDraw < 100 && fraction < 1) return;
      lastDraw = t;
      draw(fraction);
    },
    done() {
      if (finished) return;
      finished = true;
      stream.write('\r\u001b[K');
    },
  };
}
