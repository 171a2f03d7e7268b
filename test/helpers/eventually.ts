/** Retries an assertion until it passes or `timeoutMs` has gone by, then rethrows its last failure. */
export async function eventually(check: () => void | Promise<void>, timeoutMs: number, intervalMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wake) => setTimeout(wake, intervalMs));
    }
  }
}
