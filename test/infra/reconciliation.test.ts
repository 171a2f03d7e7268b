import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

describe('Construct: Reconciliation', () => {
  let stack: TicketingStack;
  let template: Template;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    ({ stack } = createTicketingApp({ bundle: false, validate: false }));
    template = Template.fromStack(stack);
  });

  it('runs the reconciler every five minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stack.reconciliation.reconciler), 'Arn'] } })],
    });
  });

  it('tells it the orders table, the outbox and the eight functions fed by event source mappings', () => {
    const { relay } = stack.orderWorkers;
    const { dispatcher, projector, issuer } = stack.ticketWorkers;
    const refunds = stack.refundWorkers;
    const variables = template.toJSON().Resources[idOf(stack.reconciliation.reconciler)].Properties.Environment.Variables;

    expect(variables).toMatchObject({ ORDERS_TABLE_NAME: { Ref: 'OrdersTable' }, TICKET_OUTBOX_QUEUE_URL: { Ref: idOf(stack.messaging.ticketOutbox) } });
    const occupancy = stack.occupancyWorkers.projector;
    expect(variables.EVENT_SOURCE_MAPPING_FUNCTIONS['Fn::Join'][1]).toEqual([relay, ',', dispatcher, ',', projector, ',', issuer, ',', occupancy, ',', refunds.dispatcher, ',', refunds.sender, ',', stack.waitlistWorkers.fulfiller].map((fn) => (typeof fn === 'string' ? fn : { Ref: idOf(fn) })));
  });

  it('lets it query the paid index, open what it reads, send to the outbox and list mappings, and nothing else', () => {
    const roleId = idOf(stack.reconciliation.reconciler.role as never);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => ![st.Action].flat().every((a) => a.startsWith('xray:') || a.startsWith('kms:')));
    const kms = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')));
    // The at-rest key of the orders table, and the key of the ID numbers in the orders it reads.
    expect(kms.flatMap((st) => [st.Action].flat()).every((a) => ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'].includes(a))).toBe(true);

    expect(statements).toEqual([
      expect.objectContaining({ Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['OrdersTable', 'Arn'] }, '/index/paid']] } }),
      expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [idOf(stack.messaging.ticketOutbox), 'Arn'] } }),
      expect.objectContaining({ Action: 'lambda:ListEventSourceMappings', Resource: '*' }),
    ]);
  });

  it('indexes PAID orders by payment time in a sparse index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'paid',
          KeySchema: [
            { AttributeName: 'paidPk', KeyType: 'HASH' },
            { AttributeName: 'paidSk', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('alarms on orders PAID without tickets through two runs, on a stopped mapping and on a ticket job waiting 15 minutes', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const alarm = (prefix: string) => Object.entries(alarms).find(([id]) => id.startsWith(prefix))?.[1].Properties;
    const gauge = (name: string) => ({ Metric: { Namespace: 'Ticketing', MetricName: name, Dimensions: [{ Name: 'service', Value: 'ticketing' }] }, Period: 300, Stat: 'Maximum' });

    expect(alarm('ObservabilityPaidOrdersUnticketed')).toMatchObject({ Threshold: 1, EvaluationPeriods: 2, Metrics: [{ MetricStat: gauge('PaidOrdersUnticketed') }] });
    expect(alarm('ObservabilityEventSourceMappingsDisabled')).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, Metrics: [{ MetricStat: gauge('EventSourceMappingsDisabled') }] });
    expect(alarm('ObservabilityOldestMessageMessagingTicketOutbox')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.messaging.ticketOutbox), 'QueueName'] } }],
      Threshold: 900,
    });
  });
});

describe('Retention', () => {
  const { stack } = createTicketingApp({ bundle: false, validate: false });
  const template = Template.fromStack(stack);

  it('keeps order events a week, so the consumers\' failure pointers can be replayed', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'order-events', RetentionPeriodHours: 168 });
  });

  it('keeps ticket jobs and every parked pointer or job for 14 days', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));

    expect(queues.length).toBeGreaterThanOrEqual(4);
    for (const queue of queues) expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('parks a relay record after 12 h of retries, leaving half of the table stream\'s 24 h to replay it', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] }, MaximumRecordAgeInSeconds: 12 * 3600 });
  });
});
