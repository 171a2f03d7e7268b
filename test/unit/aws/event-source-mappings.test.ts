import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { stoppedEventSourceMappings } from '../../../lib/aws/event-source-mappings';

const lambdaMock = mockClient(LambdaClient);

afterEach(() => {
  lambdaMock.reset();
});

describe('Function: stoppedEventSourceMappings', () => {
  it('counts the disabled and disabling mappings of each function, across pages, and names them', async () => {
    // Prepare
    lambdaMock
      .on(ListEventSourceMappingsCommand, { FunctionName: 'issuer' })
      .resolves({ EventSourceMappings: [{ UUID: 'u-1', State: 'Disabled', EventSourceArn: 'arn:aws:sqs:us-east-1:1:ticket-outbox', StateTransitionReason: 'USER_INITIATED' }] })
      .on(ListEventSourceMappingsCommand, { FunctionName: 'projector' })
      .resolves({ EventSourceMappings: [{ UUID: 'u-2', State: 'Enabled' }], NextMarker: 'page-2' })
      .on(ListEventSourceMappingsCommand, { FunctionName: 'projector', Marker: 'page-2' })
      .resolves({ EventSourceMappings: [{ UUID: 'u-3', State: 'Disabling' }, { UUID: 'u-4', State: 'Updating' }] });

    // Act
    const { stopped, mappings } = await stoppedEventSourceMappings(new LambdaClient({ region: 'us-east-1' }), ['issuer', 'projector']);

    // Assess
    expect(stopped).toBe(2);
    expect(mappings).toEqual(['issuer ← arn:aws:sqs:us-east-1:1:ticket-outbox (Disabled: USER_INITIATED)', 'projector ← u-3 (Disabling: no reason given)']);
  });

  it('counts nothing when every mapping reads', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [{ UUID: 'u-1', State: 'Enabled' }, { UUID: 'u-2', State: 'Creating' }] });

    await expect(stoppedEventSourceMappings(new LambdaClient({ region: 'us-east-1' }), ['relay'])).resolves.toEqual({ stopped: 0, mappings: [] });
  });
});
