import { handler } from '../../../../functions/gateway/healthz';
import { livenessResponseSchema } from '../../../../lib/health/responses';
import { loadEvent } from '../../../helpers/events';
import { lambdaContext } from '../../../helpers/invoke';
import { schemaIssues } from '../../../helpers/schemas';

describe('Function: healthz', () => {
  it('answers 200 {"status":"ok"} as JSON', async () => {
    // Prepare
    const event = loadEvent('gateway/healthz.json');

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' });
  });

  it('answers as the Liveness schema of the OpenAPI document describes it', async () => {
    // Act
    const result = await handler(loadEvent('gateway/healthz.json'), lambdaContext());

    // Assess
    expect(schemaIssues(livenessResponseSchema, JSON.parse(result.body ?? 'null'))).toEqual([]);
  });

  it('answers the same to a caller carrying a token', async () => {
    // Prepare
    const event = loadEvent('http/user-request.json', { rawPath: '/healthz', body: undefined });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
  });
});
