// Polls a condition the game exposes only as state (no event to wait for), shared by the net and
// hostile-host tests. Bounded: it throws with what it waited for instead of hanging the run.
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
