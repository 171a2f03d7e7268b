import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { occupancyProjector } from '../../lib/aws/ledger-services';
import { logger } from '../../lib/http/logger';

const projector = occupancyProjector();

/** The seat ledger's stream (keys only) → the occupancy snapshot: each changed coach re-read and stored once per batch. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => projector.projectBatch(event.Records));
