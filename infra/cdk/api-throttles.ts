import type { ApiRoute, ThrottleGroup } from '../../lib/http/api-routes';

/** Steady requests per second and the bucket a burst may draw on, as API Gateway counts them. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export type { ThrottleGroup };

export interface ApiThrottles {
  /** Each route not in a group (HTTP API stage limits apply per route, not to the stage as a whole). */
  readonly perRoute: Throttle;
  readonly groups: Readonly<Record<ThrottleGroup, Throttle>>;
  /** API Gateway's regional account limit, shared by every API of the account: what all routes together must stay under. */
  readonly accountRateLimit: number;
}

/**
 * Sized for a sale open, from 12306's record of about 700 tickets a second
 * (2018): orders are tickets / 1.5 (≈ 470/s), each paid order is one payment
 * callback (≈ 470/s), and travellers search about ten times per order
 * (≈ 4,700/s at the edge, most of them answered by CloudFront's cache of a
 * few seconds).
 * - `POST /orders` and `POST /payments/callback`: 1,000/s each, twice the peak,
 *   bursts of 2,000.
 * - each search route: 1,500/s, bursts of 3,000; what CloudFront does not
 *   answer from its cache.
 * - every other route: 200/s, bursts of 400.
 * Worst case, every route at its limit at once: 3 × 1,500 + 2 × 1,000 +
 * 11 × 200 = 8,700/s, under API Gateway's default regional limit of 10,000/s
 * for the account, so a search surge is refused at the search routes' own
 * limit and never takes the room orders and payments need. Lambda at those
 * rates: about 100 orders, 100 callbacks and 225 searches in flight at
 * 50–100 ms each, within the default account concurrency of 1,000
 * (concurrency.ts reserves the order and payment functions' share).
 */
export const DEFAULT_API_THROTTLES: ApiThrottles = {
  perRoute: { rateLimit: 200, burstLimit: 400 },
  groups: {
    search: { rateLimit: 1500, burstLimit: 3000 },
    order: { rateLimit: 1000, burstLimit: 2000 },
    payment: { rateLimit: 1000, burstLimit: 2000 },
  },
  accountRateLimit: 10_000,
};

export const routeKey = (route: Pick<ApiRoute, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The throttle of one route. */
export function throttleOf(route: ApiRoute, throttles: ApiThrottles): Throttle {
  return route.throttle === undefined ? throttles.perRoute : throttles.groups[route.throttle];
}

/** Requests per second the API could take with every route at its limit at once. */
export function worstCaseRate(routes: readonly ApiRoute[], throttles: ApiThrottles): number {
  return routes.reduce((sum, route) => sum + throttleOf(route, throttles).rateLimit, 0);
}
