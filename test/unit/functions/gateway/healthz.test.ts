import { handler } from '../../../../functions/gateway/healthz';
import { loadEvent } from '../../../helpers/events';
import { lambdaContext } from '../../../helpers/invoke';

describe('Function: healthz', () => {
  it('answers 200 {"status":"ok"} as JSON', async () => {
    // Prepare
    const event = loadEvent('gateway/healthz.json');

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' });
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
