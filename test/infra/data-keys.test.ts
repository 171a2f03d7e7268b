import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
}

const logicalIdOf = (stack: Stack, construct: IConstruct | undefined) => stack.getLogicalId(construct?.node.defaultChild as never);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('Construct: DataKeys', () => {
  let stack: TicketingStack;
  let template: Template;
  let resources: Record<string, Resource>;
  let keyIds: { atRest: string; logs: string; passengerIds: string; hashKey: string };

  beforeAll(() => {
    ({ stack } = createTicketingApp({ bundle: false, validate: false }));
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    keyIds = {
      atRest: logicalIdOf(stack, stack.dataKeys.atRest),
      logs: logicalIdOf(stack, stack.dataKeys.logs),
      passengerIds: logicalIdOf(stack, stack.dataKeys.passengerIds),
      hashKey: logicalIdOf(stack, stack.dataKeys.passengerIdHashKey),
    };
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  /** The functions whose execution role is granted `action` on `resource`, by logical id of their role. */
  function rolesGranted(action: string, resource: unknown): string[] {
    return ofType('AWS::IAM::Policy')
      .filter(([, policy]) =>
        ((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement ?? []).some(
          (statement) => [statement.Action].flat().includes(action) && [statement.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource)),
        ),
      )
      .flatMap(([, policy]) => (policy.Properties.Roles as Array<{ Ref: string }>).map((role) => role.Ref))
      .sort();
  }

  const roleOf = (fn: IConstruct & { role?: IConstruct }) => logicalIdOf(stack, fn.role);

  it('makes three customer-managed keys, each rotated, retained with the data', () => {
    const keys = ofType('AWS::KMS::Key');

    expect(keys.map(([id]) => id).sort()).toEqual([keyIds.atRest, keyIds.logs, keyIds.passengerIds].sort());
    for (const [, key] of keys) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });

  it('encrypts every table with the at-rest key', () => {
    const tables = ofType('AWS::DynamoDB::Table');

    expect(tables.map(([id]) => id).sort()).toEqual(['OccupancyTable', 'OrderViewTable', 'OrdersTable', 'SeatLedgerTable']);
    for (const [, table] of tables) expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyIds.atRest) });
  });

  it('encrypts the stream and every queue with the at-rest key', () => {
    for (const [, stream] of ofType('AWS::Kinesis::Stream')) expect(stream.Properties.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: arnOf(keyIds.atRest) });
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(5);
    for (const [, queue] of queues) expect(queue.Properties.KmsMasterKeyId).toEqual(arnOf(keyIds.atRest));
  });

  it('encrypts every log group with the logs key, which CloudWatch Logs may use for this account’s log groups only', () => {
    const groups = ofType('AWS::Logs::LogGroup');

    expect(groups.length).toBeGreaterThanOrEqual(21);
    for (const [, group] of groups) expect(group.Properties.KmsKeyId).toEqual(arnOf(keyIds.logs));
    const statements = (resources[keyIds.logs]?.Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        // The stack lives in us-east-1 (the edge's WAF must), so the region is written out.
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': expect.anything() } },
      }),
    );
  });

  it('lets only the functions that write orders, the ticket issuer and the ticket reconciler (which reads orders), make and open data keys of ID numbers', () => {
    const orderWriters = [...['CreateOrderFunction', 'CancelOrderFunction', 'RefundOrderFunction', 'ChangeOrderFunction', 'PaymentCallbackFunction'].map((id) => roleOf(stack.httpApi.functions.get(id) as never)), roleOf(stack.waitlistWorkers.fulfiller as never)];
    const expected = [...orderWriters, roleOf(stack.orderWorkers.sweeper as never), roleOf(stack.ticketWorkers.issuer as never), roleOf(stack.reconciliation.reconciler as never)].sort();

    expect(rolesGranted('kms:GenerateDataKey', arnOf(keyIds.passengerIds))).toEqual(expected);
    expect(rolesGranted('kms:Decrypt', arnOf(keyIds.passengerIds))).toEqual(expected);
  });

  it('keeps the claim hash key in a secret of its own, encrypted with the ID-number key, readable by the order writers and the ticket issuer only', () => {
    const secret = resources[keyIds.hashKey];
    const orderWriters = [...['CreateOrderFunction', 'CancelOrderFunction', 'RefundOrderFunction', 'ChangeOrderFunction', 'PaymentCallbackFunction'].map((id) => roleOf(stack.httpApi.functions.get(id) as never)), roleOf(stack.waitlistWorkers.fulfiller as never)];

    expect(secret?.Properties).toMatchObject({ KmsKeyId: arnOf(keyIds.passengerIds), GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } });
    // The issuer: a dearer change to another train gives back the passenger's claim on the old one.
    expect(rolesGranted('secretsmanager:GetSecretValue', { Ref: keyIds.hashKey })).toEqual([...orderWriters, roleOf(stack.orderWorkers.sweeper as never), roleOf(stack.ticketWorkers.issuer as never)].sort());
  });

  it('schedules the keys for deletion after 7 days with an ephemeral stack', () => {
    const { stack: dev } = createTicketingApp({ bundle: false, validate: false, context: { ephemeral: 'true' } });
    const keys = Object.values(Template.fromStack(dev).findResources('AWS::KMS::Key')) as Resource[];

    for (const key of keys) expect(key).toMatchObject({ DeletionPolicy: 'Delete', Properties: { PendingWindowInDays: 7 } });
  });
});
