import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/** The business figures on the CloudWatch dashboard (namespace Ticketing, dimension service). */
export type BusinessMetric = 'OrdersReserved' | 'SoldOut' | 'HoldConflicts' | 'OrdersPaid' | 'PaymentRejected' | 'TicketsIssued' | 'OrdersExpired' | 'RefundsRequired' | 'TicketsRefunded' | 'RefundFees' | 'TicketsChanged' | 'RefundsSent' | 'RefundedAmount'
  | 'OrdersWaitlisted'
  | 'WaitlistPrepaid'
  | 'WaitlistServed'
  | 'WaitlistRefunded';

/** How the use cases report what happened; the composition root decides where it goes. */
export type CountBusinessEvent = (metric: BusinessMetric, value?: number) => void;

/** Durations the functions measure, in milliseconds, graphed as percentiles. */
export type BusinessDuration =
  /** A WAITING order served after a release: from that release (the cancel, expiry, refund or change that freed the seats) to its tickets. */
  'WaitlistReleaseToTicket';

export type MeasureBusinessDuration = (metric: BusinessDuration, milliseconds: number) => void;

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

/** A duration through Powertools Metrics, as the counts; a negative one (clocks of two functions apart) as 0. */
export const measureBusinessDuration: MeasureBusinessDuration = (metric, milliseconds) => {
  if (Number.isFinite(milliseconds)) publish(metric, Math.max(0, milliseconds), MetricUnit.Milliseconds);
};

function publish(name: BusinessMetric | OperationalGauge | BusinessDuration, value: number, unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count): void {
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Ticketing', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketing' });
  metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
}
