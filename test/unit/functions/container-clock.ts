/**
 * A handler module imported by a test file is one warm container for all its
 * tests: it keeps service definitions for good and a service's occupancy
 * snapshot for half a second (and the services on a date for a second). Faking only `Date` (timers stay real) lets every
 * test start with the snapshot stale, as a request a while after the last one
 * finds it, and lets a test move the container's clock on between two requests.
 * Call at the top of the test file, before the handler is first imported.
 */
export function useContainerClock(): { advance: (ms: number) => void } {
  const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);
  beforeAll(() => {
    jest.useFakeTimers({
      now: Date.parse(FIXTURE_NOW),
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  });
  beforeEach(() => advance(SNAPSHOT_STALE_AFTER_MS));
  afterAll(() => jest.useRealTimers());
  return { advance };
}

/** Past the max age of what a container keeps a while: a service's occupancy snapshot (500 ms), the services on a date (1 s). */
export const SNAPSHOT_STALE_AFTER_MS = 5_000;

/**
 * Where the container clock starts: the day before the sample events' train (G1 on
 * 2026-12-01, events/) leaves, so their seats are still on sale whatever today is.
 */
export const FIXTURE_NOW = '2026-11-30T12:00:00.000Z';
