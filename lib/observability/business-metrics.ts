import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/** The business figures on the CloudWatch dashboard (namespace Ticketing, dimension service). */
export type BusinessMetric = 'OrdersReserved' | 'SoldOut' | 'HoldConflicts' | 'OrdersPaid' | 'PaymentRejected' | 'TicketsIssued' | 'OrdersExpired' | 'RefundsRequired';

/** How the use cases report what happened; the composition root decides where it goes. */
export type CountBusinessEvent = (metric: BusinessMetric, value?: number) => void;

let metrics: Metrics | undefined;

/**
 * Counts through Powertools Metrics (CloudWatch embedded metric format, written
 * to the function's log: no API call on the request path), flushed at once so a
 * function that counts nothing prints nothing.
 */
export const countBusinessEvent: CountBusinessEvent = (metric, value = 1) => {
  if (value <= 0) return;
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Ticketing', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketing' });
  metrics.addMetric(metric, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
};
