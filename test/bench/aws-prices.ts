/**
 * Public list prices in us-east-1 that `npm run bench -- cost` multiplies its
 * counts by. Written down on the date below from the services' pricing pages
 * (no free tier, no volume discounts, no savings plans); check them before
 * relying on an estimate, and change the date when a price changes.
 */
export const AWS_PRICES = {
  date: '2026-12-03',
  region: 'us-east-1',
  sources: [
    'https://aws.amazon.com/dynamodb/pricing/on-demand/ (on-demand throughput, after the 1 November 2024 reduction)',
    'https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s a month)',
    'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests a month)',
    'https://aws.amazon.com/kinesis/data-streams/pricing/ (on-demand capacity mode)',
    'https://aws.amazon.com/sqs/pricing/ (standard queues, past the first billion requests of the month tier)',
    'https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard class, collection)',
  ],
  dynamodb: {
    /** A write request unit: one write of up to 1 KB (a transactional write costs two). */
    perMillionWriteRequestUnits: 0.625,
    /** A read request unit: one strongly consistent read of up to 4 KB, or two eventually consistent. */
    perMillionReadRequestUnits: 0.125,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64. */
    perGbSecond: 0.0000133334,
  },
  apiGatewayHttpApi: {
    /** Each 512 KB of a request is one request. */
    perMillionRequests: 1.0,
  },
  kinesisOnDemand: {
    perStreamHour: 0.04,
    /** Each record rounded up to 1 KB. */
    perGbIngested: 0.08,
    perGbRetrieved: 0.04,
  },
  sqs: {
    /** Standard queue; each 64 KB chunk of a payload is one request. */
    perMillionRequests: 0.4,
  },
  cloudWatchLogs: {
    perGbIngested: 0.5,
  },
} as const;
