import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { discoverMonitoredResources, pathInStack, type MonitoredResources } from './monitored-resources';
import { METRICS_NAMESPACE, SERVICE_NAME } from './ticketing-function';

export interface ObservabilityProps {
  /** Letters, digits, `-` and `_`; anything else becomes `-`. */
  readonly dashboardName: string;
}

/** The business events the functions count (Powertools Metrics, EMF), in the `Ticketing` namespace with `service=ticketing`. */
export const BUSINESS_METRICS = [
  'OrdersReserved',
  'SoldOut',
  'HoldConflicts',
  'OrdersPaid',
  'PaymentRejected',
  'TicketsIssued',
  'OrdersExpired',
  'RefundsRequired',
  'TicketsRefunded',
  'RefundFees',
  'TicketsChanged',
  'RefundsSent',
  'RefundedAmount',
  'OrdersWaitlisted',
  'WaitlistPrepaid',
  'WaitlistServed',
  'WaitlistRefunded',
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

/** The durations the functions measure (milliseconds, EMF), graphed as p50 and p99. */
export const BUSINESS_DURATIONS = ['WaitlistReleaseToTicket'] as const;
export type BusinessDuration = (typeof BUSINESS_DURATIONS)[number];

/** When the alarms fire. */
export const ALARM_THRESHOLDS = {
  /** How far behind its stream a consumer may fall (Kinesis GetRecords or Lambda iterator age)… */
  iteratorAge: Duration.seconds(60),
  /** …for this many minutes running. */
  iteratorAgeMinutes: 3,
  /** Share of API requests answered with a 5xx over five minutes… */
  serverErrorPercent: 1,
  /** …once there are this many requests in those five minutes to judge by. */
  serverErrorMinimumRequests: 20,
  /** A job this old in a work queue (the ticket outbox) means its consumer is stopped or failing. */
  oldestMessage: Duration.minutes(15),
  /** Reconciler runs in a row that found PAID orders without tickets (its re-dispatch did not help). */
  unticketedRuns: 2,
} as const;

/** Levels the reconciler publishes every run (lib/observability/business-metrics.ts). */
export const OPERATIONAL_GAUGES = ['PaidOrdersUnticketed', 'EventSourceMappingsDisabled'] as const;

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
/** The dashboard body takes at most 100 alarm ARNs per alarm status widget. */
const ALARMS_PER_STATUS_WIDGET = 100;
const THIRD = 8;
const FULL = 24;

/**
 * A dashboard and alarms for everything in the stack: the API, every function,
 * table, stream and queue (found in the construct tree, so build this last) and
 * the business metrics. Every alarm notifies one SNS topic, on alarm and on recovery.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly monitored: MonitoredResources;
  private readonly alarmList: Alarm[] = [];
  private readonly notify: SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.monitored = discoverMonitoredResources(stack);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `Ticketing alarms (${stack.stackName})`, enforceSSL: true });
    this.notify = new SnsAction(this.alarmTopic);

    this.addAlarms();
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName.replace(/[^A-Za-z0-9_-]/g, '-'),
      defaultInterval: Duration.hours(3),
    });
    this.addWidgets();

    output(this, 'DashboardName', this.dashboard.dashboardName, 'CloudWatch dashboard of the stack');
    output(
      this,
      'DashboardUrl',
      `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards/dashboard/${this.dashboard.dashboardName}`,
      'CloudWatch dashboard of the stack',
    );
    output(this, 'AlarmTopicArn', this.alarmTopic.topicArn, 'Subscribe here to receive every alarm');

    // A resource added to the stack after this construct would go unwatched: refuse to synthesize.
    this.node.addValidation({ validate: () => unwatched(this.monitored, discoverMonitoredResources(stack)) });
  }

  get alarms(): readonly Alarm[] {
    return this.alarmList;
  }

  private addAlarms(): void {
    const { apis, functions, tables, streams, deadLetterQueues, streamConsumers } = this.monitored;
    for (const queue of deadLetterQueues) {
      this.alarm(`DeadLetters-${idOf(queue)}`, {
        description: `${pathInStack(queue)}: messages are waiting in a dead-letter queue; find why they failed, then redrive them`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ONE_MINUTE }),
        threshold: 1,
      });
    }
    const iteratorAgeMs = ALARM_THRESHOLDS.iteratorAge.toMilliseconds();
    for (const stream of streams) {
      this.alarm(`IteratorAge-${idOf(stream)}`, {
        description: `${pathInStack(stream)}: its consumers are more than ${ALARM_THRESHOLDS.iteratorAge.toSeconds()} s behind`,
        metric: stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: ONE_MINUTE }),
        threshold: iteratorAgeMs,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: ALARM_THRESHOLDS.iteratorAgeMinutes,
      });
    }
    // A consumer retrying one failing batch stops calling GetRecords, but each retry still reports its iterator age.
    for (const fn of streamConsumers) {
      this.alarm(`ConsumerLag-${idOf(fn)}`, {
        description: `${pathInStack(fn)}: more than ${ALARM_THRESHOLDS.iteratorAge.toSeconds()} s behind the stream it reads`,
        metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: ONE_MINUTE }),
        threshold: iteratorAgeMs,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: ALARM_THRESHOLDS.iteratorAgeMinutes,
      });
    }
    for (const api of apis) {
      this.alarm(`ServerErrorRate-${idOf(api)}`, {
        description: `${pathInStack(api)}: more than ${ALARM_THRESHOLDS.serverErrorPercent} % of requests answered 5xx in five minutes`,
        metric: serverErrorRate(api),
        threshold: ALARM_THRESHOLDS.serverErrorPercent,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    for (const fn of functions) {
      this.alarm(`Errors-${idOf(fn)}`, {
        description: `${pathInStack(fn)}: invocations failed`,
        metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
      });
      this.alarm(`Throttles-${idOf(fn)}`, {
        description: `${pathInStack(fn)}: invocations throttled`,
        metric: fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
      });
    }
    for (const table of tables) {
      this.alarm(`Throttles-${idOf(table)}`, {
        description: `${pathInStack(table)}: reads or writes throttled`,
        metric: new MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { statistic: 'Sum' }),
            writes: table.metric('WriteThrottleEvents', { statistic: 'Sum' }),
          },
          label: 'throttle events',
          period: FIVE_MINUTES,
        }),
        threshold: 1,
      });
    }
    for (const queue of this.monitored.workQueues) {
      this.alarm(`OldestMessage-${idOf(queue)}`, {
        description: `${pathInStack(queue)}: a message has waited over ${ALARM_THRESHOLDS.oldestMessage.toMinutes()} minutes; is its consumer stopped or failing?`,
        metric: queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: FIVE_MINUTES }),
        threshold: ALARM_THRESHOLDS.oldestMessage.toSeconds(),
      });
    }
    this.alarm('PaidOrdersUnticketed', {
      description: `Orders have stayed PAID without tickets through ${ALARM_THRESHOLDS.unticketedRuns} reconciler runs: the ticket flow is broken (issuer failing, outbox mapping stopped?)`,
      metric: gauge('PaidOrdersUnticketed'),
      threshold: 1,
      evaluationPeriods: ALARM_THRESHOLDS.unticketedRuns,
    });
    this.alarm('EventSourceMappingsDisabled', {
      description: 'An event source mapping (relay, dispatcher, projector or issuer) is disabled: its stream or queue is not being read',
      metric: gauge('EventSourceMappingsDisabled'),
      threshold: 1,
    });
    this.alarm('RefundsRequired', {
      description: 'A payment arrived for an order whose seats were lost: the customer must be refunded',
      metric: businessMetric('RefundsRequired'),
      threshold: 1,
    });
  }

  private alarm(id: string, props: AlarmSpec): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      // No data is no traffic (an idle function, an empty inactive queue), which is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.notify);
    alarm.addOkAction(this.notify);
    this.alarmList.push(alarm);
  }

  private addWidgets(): void {
    const { apis, functions, tables, streams, workQueues, deadLetterQueues, streamConsumers } = this.monitored;
    // A graph with nothing to draw (no stream in the stack, say) is left out rather than shown empty.
    const add = (...widgets: Array<IWidget | undefined>) => this.dashboard.addWidgets(...widgets.filter((w): w is IWidget => w !== undefined));

    for (let first = 0; first < this.alarms.length; first += ALARMS_PER_STATUS_WIDGET) {
      add(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms.slice(first, first + ALARMS_PER_STATUS_WIDGET), width: FULL, height: 4 }));
    }

    add(heading('API'));
    for (const api of apis) {
      add(
        graph(`${pathInStack(api)}: latency (ms)`, [api.metricLatency({ statistic: 'p50', label: 'p50' }), api.metricLatency({ statistic: 'p99', label: 'p99' })]),
        graph(`${pathInStack(api)}: requests`, [
          api.metricCount({ statistic: 'Sum', label: 'requests' }),
          api.metricClientError({ label: '4xx' }),
          api.metricServerError({ label: '5xx' }),
        ]),
        graph(`${pathInStack(api)}: 5xx (% of requests)`, [serverErrorRate(api)]),
      );
    }

    add(heading('Business'));
    add(
      graph('Orders', [businessMetric('OrdersReserved'), businessMetric('OrdersPaid'), businessMetric('OrdersExpired')]),
      graph('Seat contention', [businessMetric('SoldOut'), businessMetric('HoldConflicts')]),
      graph('Payments and tickets', [businessMetric('PaymentRejected'), businessMetric('RefundsRequired'), businessMetric('TicketsIssued')]),
      graph('Reconciler: stuck orders, stopped mappings', OPERATIONAL_GAUGES.map(gauge)),
      graph('After-sale: tickets refunded and changed, refunds sent', [businessMetric('TicketsRefunded'), businessMetric('TicketsChanged'), businessMetric('RefundsSent')]),
      graph('After-sale: refund fees kept and amounts refunded (fen)', [businessMetric('RefundFees'), businessMetric('RefundedAmount')]),
      graph('Waitlist (候补): joined, prepaid (waiting), served, refunded', [businessMetric('OrdersWaitlisted'), businessMetric('WaitlistPrepaid'), businessMetric('WaitlistServed'), businessMetric('WaitlistRefunded')]),
      graph('Waitlist (候补): release → ticket (ms)', [duration('WaitlistReleaseToTicket', 'p50'), duration('WaitlistReleaseToTicket', 'p99')]),
    );

    add(heading('Functions'));
    add(
      graph('Errors', functions.map((fn) => fn.metricErrors({ statistic: 'Sum', label: pathInStack(fn) }))),
      graph('Throttles', functions.map((fn) => fn.metricThrottles({ statistic: 'Sum', label: pathInStack(fn) }))),
      graph('Duration p99 (ms)', functions.map((fn) => fn.metricDuration({ statistic: 'p99', label: pathInStack(fn) }))),
    );

    add(heading('DynamoDB'));
    for (const table of tables) add(...tableWidgets(table));

    add(heading('Streams'));
    add(
      graph('Kinesis iterator age, GetRecords.IteratorAgeMilliseconds (ms)', streams.map((s) => s.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', label: pathInStack(s) }))),
      graph('Kinesis incoming records', streams.map((s) => s.metricIncomingRecords({ statistic: 'Sum', label: pathInStack(s) }))),
      graph('Stream consumers: iterator age (ms)', streamConsumers.map((fn) => fn.metric('IteratorAge', { statistic: 'Maximum', label: pathInStack(fn) }))),
    );

    add(heading('Queues'));
    add(
      graph('Backlog, ApproximateNumberOfMessagesVisible', workQueues.map((q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: pathInStack(q) }))),
      graph('Oldest message (s)', workQueues.map((q) => q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: pathInStack(q) }))),
      graph('Dead-letter queue depth', deadLetterQueues.map((q) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: pathInStack(q) }))),
    );
  }
}

interface AlarmSpec {
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** @default at or above the threshold */
  readonly comparison?: ComparisonOperator;
  /** @default 1 */
  readonly evaluationPeriods?: number;
}

function tableWidgets(table: ITable): Array<IWidget | undefined> {
  const name = pathInStack(table);
  return [
    graph(`${name}: consumed capacity`, [
      table.metricConsumedReadCapacityUnits({ label: 'read units' }),
      table.metricConsumedWriteCapacityUnits({ label: 'write units' }),
    ]),
    graph(`${name}: throttled requests`, [
      table.metricThrottledRequestsForOperations({ label: 'ThrottledRequests (all operations)' }),
      table.metric('ReadThrottleEvents', { statistic: 'Sum', label: 'read throttle events' }),
      table.metric('WriteThrottleEvents', { statistic: 'Sum', label: 'write throttle events' }),
    ]),
    graph(`${name}: failed conditions`, [table.metricConditionalCheckFailedRequests({ label: 'ConditionalCheckFailedRequests' })]),
  ];
}

/** 5xx answers as a percentage of requests, or 0 while there are too few requests to judge. */
function serverErrorRate(api: HttpApi): MathExpression {
  return new MathExpression({
    expression: `IF(requests >= ${ALARM_THRESHOLDS.serverErrorMinimumRequests}, 100 * serverErrors / requests, 0)`,
    usingMetrics: {
      requests: api.metricCount({ statistic: 'Sum' }),
      serverErrors: api.metricServerError({ statistic: 'Sum' }),
    },
    label: '5xx %',
    period: FIVE_MINUTES,
  });
}

function businessMetric(metricName: BusinessMetric): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: metricName,
  });
}

function duration(metricName: BusinessDuration, statistic: 'p50' | 'p99'): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic, period: FIVE_MINUTES, label: `${metricName} ${statistic}` });
}

function gauge(metricName: (typeof OPERATIONAL_GAUGES)[number]): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic: 'Maximum', period: FIVE_MINUTES, label: metricName });
}

function graph(title: string, left: IMetric[]): GraphWidget | undefined {
  return left.length === 0 ? undefined : new GraphWidget({ title, left, width: THIRD, height: 6 });
}

function heading(title: string): TextWidget {
  return new TextWidget({ markdown: `## ${title}`, width: FULL, height: 1 });
}

function output(scope: Construct, id: string, value: string, description: string): void {
  new CfnOutput(scope, id, { value, description }).overrideLogicalId(id);
}

function idOf(construct: IConstruct): string {
  return pathInStack(construct).replace(/\//g, '-');
}

/** Resources in the stack now that the construct did not see when it was built. */
function unwatched(watched: MonitoredResources, now: MonitoredResources): string[] {
  const kinds = ['apis', 'functions', 'tables', 'streams', 'workQueues', 'deadLetterQueues', 'streamConsumers'] as const;
  return kinds.flatMap((kind) =>
    (now[kind] as readonly IConstruct[])
      .filter((resource) => !(watched[kind] as readonly IConstruct[]).includes(resource))
      .map((resource) => `${pathInStack(resource)} (${kind}) was added after Observability was built, so no dashboard or alarm covers it: build Observability last in the stack`),
  );
}
