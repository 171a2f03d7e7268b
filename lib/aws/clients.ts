import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { tracer } from '../observability/tracer';

/**
 * SDK clients, built once per execution environment. Endpoints and credentials
 * come from the SDK's standard configuration (AWS_ENDPOINT_URL_DYNAMODB, …), so the
 * same code runs on the local emulators, LocalStack and AWS. On Lambda each
 * client is wrapped by the Powertools tracer, so every SDK call is an X-Ray subsegment.
 */
let documentClient: DynamoDBDocumentClient | undefined;
let kinesisClient: KinesisClient | undefined;
let sqsClient: SQSClient | undefined;
let lambdaClient: LambdaClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** HTTP/1.1: kinesis-mock fails a share of HTTP/2 requests; harmless on AWS. */
export function kinesis(): KinesisClient {
  kinesisClient ??= tracer.captureAWSv3Client(new KinesisClient({ requestHandler: new NodeHttpHandler() }));
  return kinesisClient;
}

/** Queue URLs from an emulator name its own host; call the configured endpoint instead. */
export function sqs(): SQSClient {
  sqsClient ??= tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
  return sqsClient;
}

/** The Lambda control plane: the reconciler asks it which event source mappings are stopped. */
export function lambda(): LambdaClient {
  lambdaClient ??= tracer.captureAWSv3Client(new LambdaClient({}));
  return lambdaClient;
}
