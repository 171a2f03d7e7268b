import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { TicketingFunction } from './ticketing-function';

/** The stateful resources functions may be given access to. */
export interface StatefulResources {
  readonly ledger: ITable;
  readonly orderEvents: IStream;
  readonly ticketOutbox: IQueue;
}

/**
 * What a function may do, named by intent. Each kind grants exactly its IAM
 * actions and sets exactly the environment variables naming what it touches, so
 * a function's environment and its permissions cannot drift apart.
 */
export type ResourceAccess = 'ledger:read' | 'ledger:readWrite' | 'readiness';

export function grantAccess(fn: TicketingFunction, access: ResourceAccess, resources: StatefulResources): void {
  switch (access) {
    case 'ledger:read':
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      resources.ledger.grantReadData(fn);
      return;
    case 'ledger:readWrite':
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      resources.ledger.grantReadWriteData(fn);
      return;
    case 'readiness':
      // Describe calls only: the readiness probe proves reachability, it reads no data.
      fn.addEnvironment('LEDGER_TABLE_NAME', resources.ledger.tableName);
      fn.addEnvironment('ORDER_EVENTS_STREAM_NAME', resources.orderEvents.streamName);
      fn.addEnvironment('TICKET_OUTBOX_QUEUE_URL', resources.ticketOutbox.queueUrl);
      resources.ledger.grant(fn, 'dynamodb:DescribeTable');
      resources.orderEvents.grant(fn, 'kinesis:DescribeStreamSummary');
      resources.ticketOutbox.grant(fn, 'sqs:GetQueueAttributes');
      return;
  }
}
