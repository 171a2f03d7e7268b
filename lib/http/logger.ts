import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { redactingJsonReplacer } from './log-redaction';

/**
 * The one logger of the HTTP edge. The service name comes from
 * POWERTOOLS_SERVICE_NAME (set per function by the CDK app); the search function
 * lets injectLambdaContext pick the API Gateway request id as correlation id.
 * Every line is printed through a replacer that masks resident ID numbers.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketing',
  correlationIdSearchFn: search,
  jsonReplacerFn: redactingJsonReplacer,
});
