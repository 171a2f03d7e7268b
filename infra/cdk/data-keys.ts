import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';

export interface DataKeysProps {
  /** A throwaway (dev) stack: its keys are scheduled for deletion with it (after 7 days). */
  readonly ephemeral: boolean;
}

export const DATA_KEYS_ID = 'DataKeys';

/**
 * The stack's customer-managed KMS keys, each rotated yearly, and the key of the
 * passenger-claim hash:
 * - `atRest` encrypts the tables, the `order-events` stream and every queue;
 *   the L2 grants on those resources (grantReadWriteData, grantSendMessages…)
 *   give each function the KMS actions its access needs, and nothing more;
 * - `logs` encrypts every log group (CloudWatch Logs may use it for log groups of this account and region only);
 * - `passengerIds` makes the data keys that seal passengers' ID numbers in the
 *   orders table (lib/orders/passenger-data.ts), granted to the order functions
 *   and the ticket issuer only;
 * - `passengerIdHashKey`, a generated secret encrypted with `passengerIds`:
 *   the HMAC key of the claim keys in the seat ledger. It must never change
 *   (claims are found by it), so it is not rotated.
 * Constructs find them with `DataKeys.of(this)`, so no props need threading.
 */
export class DataKeys extends Construct {
  readonly atRest: Key;
  readonly logs: Key;
  readonly passengerIds: Key;
  readonly passengerIdHashKey: Secret;

  /** The stack's DataKeys; the stack creates them first. */
  static of(scope: IConstruct): DataKeys {
    const found = Stack.of(scope).node.tryFindChild(DATA_KEYS_ID);
    if (!(found instanceof DataKeys)) throw new Error(`${Stack.of(scope).stackName} has no ${DATA_KEYS_ID}: create it before the resources it encrypts`);
    return found;
  }

  constructor(scope: Stack, props: DataKeysProps) {
    super(scope, DATA_KEYS_ID);
    const removalPolicy = props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const key = (id: string, description: string) =>
      new Key(this, id, { description, enableKeyRotation: true, removalPolicy, ...(props.ephemeral ? { pendingWindow: Duration.days(7) } : {}) });

    this.atRest = key('AtRest', 'Ticketing: tables, the order-events stream and the queues');
    this.logs = key('Logs', 'Ticketing: log groups');
    this.passengerIds = key('PassengerIds', "Ticketing: data keys of passengers' ID numbers and the claim hash key");

    const { region, account } = scope;
    this.logs.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${scope.partition}:logs:${region}:${account}:log-group:*` } },
      }),
    );

    this.passengerIdHashKey = new Secret(this, 'PassengerIdHashKey', {
      description: 'HMAC-SHA256 key of the passenger-claim keys in the seat ledger. Never change it: claims are found by it.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      encryptionKey: this.passengerIds,
      removalPolicy,
    });
  }
}

/** Every queue's encryption: the stack's at-rest key, its data keys reused by SQS for 5 minutes (the default). */
export function queueEncryption(scope: IConstruct): Pick<QueueProps, 'encryption' | 'encryptionMasterKey'> {
  return { encryption: QueueEncryption.KMS, encryptionMasterKey: DataKeys.of(scope).atRest };
}
