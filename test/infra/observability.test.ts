import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Code, Function as LambdaFunction, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Observability } from '../../infra/cdk/observability';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';
import type { IConstruct } from 'constructs';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const BUSINESS_METRICS = ['OrdersReserved', 'SoldOut', 'HoldConflicts', 'OrdersPaid', 'PaymentRejected', 'TicketsIssued', 'OrdersExpired', 'RefundsRequired', 'TicketsRefunded', 'RefundFees', 'TicketsChanged', 'RefundsSent', 'RefundedAmount', 'OrdersWaitlisted', 'WaitlistPrepaid', 'WaitlistServed', 'WaitlistRefunded'];

function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

function logicalIdsOf(resources: Resources, type: string): string[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}

/** Queues the template itself names as dead-letter targets: redrive policies and on-failure destinations. */
function deadLetterQueueIds(resources: Resources): string[] {
  const named = Object.values(resources).flatMap((resource) => {
    const redrive = resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
    const destination = (resource.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
    return [redrive?.deadLetterTargetArn, destination];
  });
  return logicalIdsOf(resources, 'AWS::SQS::Queue').filter((id) => named.some((arn) => JSON.stringify(arn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })));
}

/** The dashboard body as CloudFormation will write it, with each intrinsic (`{"Ref":…}`) in place of its value. */
function bodyText(body: unknown): string {
  const [separator, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(separator);
}

/** The dashboard's widgets, each intrinsic (which CloudFormation writes inside a JSON string) as `<intrinsic>`. */
function widgetsOf(body: unknown): { title?: string; metrics?: unknown[][] }[] {
  const [separator, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts.map((part) => (typeof part === 'string' ? part : '<intrinsic>')).join(separator);
  return (JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }).widgets.map((widget) => widget.properties);
}

describe('Construct: Observability', () => {
  let stack: TicketingStack;
  let template: Template;
  let resources: Resources;
  let topic: { Ref: string };
  let dashboardBody: string;
  let widgets: ReturnType<typeof widgetsOf>;

  beforeAll(() => {
    ({ stack } = createTicketingApp({ bundle: false, validate: false }));
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
    topic = { Ref: logicalIdOf(stack.observability.alarmTopic) };
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    dashboardBody = bodyText(dashboard?.Properties.DashboardBody);
    widgets = widgetsOf(dashboard?.Properties.DashboardBody);
  });

  describe('Alarms', () => {
    it('notifies the alarm topic from every alarm, on alarm and on recovery', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));

      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
      }
    });

    it('has an alarm on each dead-letter queue at one visible message', () => {
      const queues = deadLetterQueueIds(resources);

      expect(queues.length).toBeGreaterThanOrEqual(4);
      for (const queue of queues) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        });
      }
    });

    it('alarms when the consumers of order-events are more than 60 s behind', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Kinesis',
        MetricName: 'GetRecords.IteratorAgeMilliseconds',
        Dimensions: [{ Name: 'StreamName', Value: { Ref: logicalIdOf(stack.messaging.orderEvents) } }],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 60_000,
      });
    });

    it('alarms when a function reading a stream is more than 60 s behind it', () => {
      const consumers = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
        .filter((mapping) => mapping.Properties.StartingPosition !== undefined)
        .map((mapping) => mapping.Properties.FunctionName as { Ref: string });

      expect(consumers.length).toBeGreaterThanOrEqual(3);
      for (const fn of consumers) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Dimensions: [{ Name: 'FunctionName', Value: fn }],
          Threshold: 60_000,
        });
      }
    });

    it("alarms on the API's 5xx rate, as a share of its requests", () => {
      const api = { Ref: logicalIdOf(stack.httpApi.api) };

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ComparisonOperator: 'GreaterThanThreshold',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: Match.stringLikeRegexp('serverErrors / requests'), ReturnData: true }),
          Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiId', Value: api }] } }) }),
          Match.objectLike({ Id: 'serverErrors', MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [{ Name: 'ApiId', Value: api }] } }) }),
        ]),
      });
    });

    it('alarms on the errors and the throttles of every function', () => {
      const functions = logicalIdsOf(resources, 'AWS::Lambda::Function');

      expect(functions.length).toBeGreaterThanOrEqual(20);
      for (const fn of functions) {
        for (const metricName of ['Errors', 'Throttles']) {
          template.hasResourceProperties('AWS::CloudWatch::Alarm', {
            Namespace: 'AWS/Lambda',
            MetricName: metricName,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
            Threshold: 1,
          });
        }
      }
    });

    it('alarms on throttled reads and writes of every table', () => {
      const tables = logicalIdsOf(resources, 'AWS::DynamoDB::Table');

      expect(tables).toEqual(expect.arrayContaining(['SeatLedgerTable', 'OrdersTable']));
      for (const table of tables) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Metrics: Match.arrayWith(
            ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) =>
              Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: [{ Name: 'TableName', Value: { Ref: table } }] } }) }),
            ),
          ),
        });
      }
    });
  });

  describe('Dashboard', () => {
    /** Names the fragment on failure instead of printing the whole body. */
    function expectDashboardToMention(fragment: string): void {
      expect({ fragment, mentioned: dashboardBody.includes(fragment) }).toEqual({ fragment, mentioned: true });
    }

    it('shows the latency percentiles, 4xx and 5xx of the API', () => {
      for (const fragment of ['"Latency"', '"stat":"p50"', '"stat":"p99"', '"4xx"', '"5xx"', 'AWS/ApiGateway']) expectDashboardToMention(fragment);
    });

    it('shows the errors, throttles and duration of every function', () => {
      for (const fragment of ['"Errors"', '"Throttles"', '"Duration"']) expectDashboardToMention(fragment);
      for (const fn of logicalIdsOf(resources, 'AWS::Lambda::Function')) expectDashboardToMention(JSON.stringify({ Ref: fn }));
    });

    it('shows consumed capacity, throttled requests and failed conditions of every table', () => {
      for (const fragment of ['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits', 'ThrottledRequests', 'ConditionalCheckFailedRequests']) {
        expectDashboardToMention(`"${fragment}"`);
      }
      for (const table of logicalIdsOf(resources, 'AWS::DynamoDB::Table')) expectDashboardToMention(JSON.stringify({ Ref: table }));
    });

    it('shows the iterator age of order-events', () => {
      expectDashboardToMention('"GetRecords.IteratorAgeMilliseconds"');
      expectDashboardToMention(JSON.stringify({ Ref: logicalIdOf(stack.messaging.orderEvents) }));
    });

    it('shows the ticket-outbox backlog and the depth of every dead-letter queue', () => {
      expectDashboardToMention('"ApproximateNumberOfMessagesVisible"');
      const queues = [logicalIdOf(stack.messaging.ticketOutbox), ...deadLetterQueueIds(resources)];
      for (const queue of queues) expectDashboardToMention(JSON.stringify({ 'Fn::GetAtt': [queue, 'QueueName'] }));
    });

    it.each(BUSINESS_METRICS)('shows the business metric %s of service ticketing', (metricName) => {
      expectDashboardToMention(`["Ticketing","${metricName}","service","ticketing"`);
    });

    it("shows the waitlist's release → ticket time as p50 and p99, next to the waitlist counts", () => {
      const counts = widgets.findIndex((widget) => widget.title?.startsWith('Waitlist (候补): joined'));
      const latency = widgets[counts + 1];

      expect(counts).toBeGreaterThanOrEqual(0);
      expect(latency?.title).toBe('Waitlist (候补): release → ticket (ms)');
      expect(latency?.metrics).toEqual([
        ['Ticketing', 'WaitlistReleaseToTicket', 'service', 'ticketing', expect.objectContaining({ stat: 'p50' })],
        ['Ticketing', 'WaitlistReleaseToTicket', 'service', 'ticketing', expect.objectContaining({ stat: 'p99' })],
      ]);
    });
  });

  describe('Outputs', () => {
    it('exports the dashboard name and its console URL', () => {
      const dashboard = { Ref: logicalIdOf(stack.observability.dashboard) };

      template.hasOutput('DashboardName', { Value: dashboard });
      template.hasOutput('DashboardUrl', { Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('console\\.aws\\.amazon\\.com/cloudwatch/'), dashboard])] } });
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ticketing-dev' });
    });
  });

  describe('Alarm topic', () => {
    it('refuses publishers that do not use TLS', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topic],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });
  });

  describe('Discovery', () => {
    function minimalStack(): Stack {
      const stack = new Stack(new App(), 'Minimal');
      const table = new Table(stack, 'Table', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        stream: StreamViewType.NEW_IMAGE,
      });
      const fn = new LambdaFunction(stack, 'Consumer', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => {}') });
      fn.addEventSource(new DynamoEventSource(table, { startingPosition: StartingPosition.TRIM_HORIZON, onFailure: new SqsDlq(new Queue(stack, 'Parked')) }));
      new Stream(stack, 'Events');
      new Queue(stack, 'Work', { deadLetterQueue: { queue: new Queue(stack, 'WorkDlq', { retentionPeriod: Duration.days(14) }), maxReceiveCount: 3 } });
      return stack;
    }

    it('watches whatever the stack holds, with no list to keep up to date', () => {
      const stack = minimalStack();
      const observability = new Observability(stack, 'Observability', { dashboardName: 'minimal' });
      const names = (resources: readonly { node: { id: string } }[]) => resources.map((r) => r.node.id).sort();

      expect({
        functions: names(observability.monitored.functions),
        tables: names(observability.monitored.tables),
        streams: names(observability.monitored.streams),
        workQueues: names(observability.monitored.workQueues),
        deadLetterQueues: names(observability.monitored.deadLetterQueues),
        streamConsumers: names(observability.monitored.streamConsumers),
      }).toEqual({
        functions: ['Consumer'],
        tables: ['Table'],
        streams: ['Events'],
        workQueues: ['Work'],
        deadLetterQueues: ['Parked', 'WorkDlq'],
        streamConsumers: ['Consumer'],
      });
      // DLQs 2, stream 1, consumer 1, function errors and throttles 2, table 1, refunds 1, the work queue's oldest message 1, the reconciler's gauges 2.
      Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2 + 1 + 1 + 2 + 1 + 1 + 1 + 2);
    });

    it('refuses to synthesize a resource added after it, which nothing would watch', () => {
      const { app, stack } = createTicketingApp({ bundle: false, validate: false });
      new Queue(stack, 'LateQueue');

      expect(() => app.synth()).toThrow(/LateQueue \(workQueues\) was added after Observability/);
    });
  });
});
