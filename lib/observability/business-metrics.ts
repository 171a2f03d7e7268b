import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/** The business figures on the CloudWatch dashboard (namespace Ticketing, dimension service). */
export type BusinessMetric = 'OrdersReserved' | 'SoldOut' | 'HoldConflicts' | 'OrdersPaid' | 'PaymentRejected' | 'TicketsIssued' | 'OrdersExpired' | 'RefundsRequired' | 'TicketsRefunded' | 'RefundFees' | 'TicketsChanged' | 'RefundsSent' | 'RefundedAmount'
  | 'OrdersWaitlisted'
  | 'WaitlistPrepaid'
  | 'WaitlistServed'
  | 'WaitlistRefunded';

/** How the use cases report what happened; the composition root decides where it goes. */
export type CountBusinessEvent = (metric: BusinessMetric, value?: number) => void;

/** Levels measured on a schedule (not counts of events): published every time, zero included, so an alarm sees them recover. */
export type OperationalGauge = 'PaidOrdersUnticketed' | 'EventSourceMappingsDisabled';

let metrics: Metrics | undefined;

export function recordGauge(gauge: OperationalGauge, value: number): void {
  publish(gauge, value);
}

/**
 * Counts through Powertools Metrics (CloudWatch embedded metric format, written
 * to the function's log: no API call on the request path), flushed at once so a
 * function that counts nothing prints nothing.
 */
export const countBusinessEvent: CountBusinessEvent = (metric, value = 1) => {
  if (value > 0) publish(metric, value);
};

function publish(name: BusinessMetric | OperationalGauge, value: number): void {
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Ticketing', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketing' });
  metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}
