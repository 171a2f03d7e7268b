import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { grantAccess, type StatefulResources } from './resource-access';
import { TicketingFunction } from './ticketing-function';

export interface OccupancyWorkersProps {
  readonly resources: StatefulResources;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The occupancy projector: the seat ledger's stream → the occupancy table. Each
 * batch re-reads the coaches it names and stores their snapshot, so a retry or a
 * lost batch heals with the next change; nothing is parked in a DLQ, and a record
 * older than an hour is skipped (a later change of its coach supersedes it).
 */
export class OccupancyWorkers extends Construct {
  readonly projector: TicketingFunction;

  constructor(scope: Construct, id: string, props: OccupancyWorkersProps) {
    super(scope, id);
    const { resources } = props;
    this.projector = new TicketingFunction(this, 'RefreshOccupancyFunction', {
      entry: 'functions/inventory/refresh-occupancy.ts',
      description: 'seat ledger stream → occupancy snapshot (one item per coach)',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });
    grantAccess(this.projector, 'ledger:read', resources);
    grantAccess(this.projector, 'occupancy:write', resources);
    this.projector.addEventSource(
      new DynamoEventSource(resources.ledger, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        parallelizationFactor: 1,
        bisectBatchOnError: false,
        reportBatchItemFailures: true,
        retryAttempts: 20,
        maxRecordAge: Duration.hours(1),
      }),
    );
  }
}
