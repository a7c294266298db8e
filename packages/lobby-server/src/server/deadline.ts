// Bounded waits for shutdown: a step that needs the state backend (cleanup commands, a cluster
// tick in flight) must not hold up the shutdown when the backend stops answering.

/**
 * Waits for `work` for at most `ms`: true when it settled (either way) in time, false when the
 * time ran out first. A rejection of `work` is absorbed here; the timer never outlives the wait.
 */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
