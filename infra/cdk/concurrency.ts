/**
 * How far each function may scale, and what bounds it when nothing here does.
 *
 * Request-driven functions are bounded by the API stage's throttle (http-api.ts).
 * Stream consumers are bounded by their shards: the order relay and the Kinesis
 * consumers run one batch per shard at a time (parallelization factor 1), which
 * also keeps each order's events in order. The ticket issuer is bounded by its
 * SQS mapping's maximum concurrency rather than a reservation, because a
 * reservation would throttle the mapping's pollers and count receives toward the
 * dead-letter queue.
 *
 * Reserved concurrency is for the two functions that must neither starve nor
 * overrun the tables, and only in stages that reserve (`-c reserveConcurrency`,
 * on by default outside dev): reservations come out of the account's pool, and
 * a new account's limit of 10 leaves nothing to reserve.
 */
export const RESERVED_CONCURRENCY: Readonly<Record<string, number>> = {
  /**
   * Payment callbacks are guaranteed room while a sale floods the other routes;
   * each is one transaction over the orders and ledger tables. 100 at ~100 ms
   * a callback is 1,000/s, the route's throttle (api-throttles.ts) and twice
   * 12306's peak. The provider retries a throttled callback.
   */
  PaymentCallbackFunction: 100,
  /**
   * Orders too: 150 at ~100 ms an order is 1,500/s, above the route's throttle
   * of 1,000/s, so the throttle refuses first, and searches can never take the
   * concurrency orders need.
   */
  CreateOrderFunction: 150,
  /** One sweep at a time: a backlog of expiries is released at one sweeper's pace, not in a burst of overlapping sweeps. */
  ExpireOrdersFunction: 1,
};

/** The ticket issuer's SQS mapping: at most this many batches of jobs at once. */
export const ISSUER_MAX_CONCURRENCY = 5;

/** The reservation for a function in a stage that reserves, else undefined (unreserved). */
export function reservedConcurrency(functionId: string, reserve: boolean): number | undefined {
  return reserve ? RESERVED_CONCURRENCY[functionId] : undefined;
}
