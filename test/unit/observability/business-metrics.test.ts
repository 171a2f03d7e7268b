import { countBusinessEvent, measureBusinessDuration } from '../../../lib/observability/business-metrics';

/** What Powertools Metrics wrote to stdout: one EMF document per flush. */
function captureStdout(act: () => void): Record<string, any>[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('_aws')).map((line) => JSON.parse(line) as Record<string, any>);
}

describe('Function: countBusinessEvent', () => {
  it('writes an embedded-metric document in the Ticketing namespace with the service dimension', () => {
    const [document] = captureStdout(() => countBusinessEvent('OrdersPaid', 2));

    expect(document?.OrdersPaid).toBe(2);
    expect(document?.service).toBe('ticketing');
    expect(document?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Ticketing', Dimensions: [['service']], Metrics: [{ Name: 'OrdersPaid', Unit: 'Count' }] });
  });

  it('writes nothing for a count of zero', () => {
    expect(captureStdout(() => countBusinessEvent('OrdersExpired', 0))).toEqual([]);
  });
});

describe('Function: measureBusinessDuration', () => {
  it('writes the duration in milliseconds, in the Ticketing namespace with the service dimension, for CloudWatch percentiles', () => {
    const [document] = captureStdout(() => measureBusinessDuration('WaitlistReleaseToTicket', 830));

    expect(document?.WaitlistReleaseToTicket).toBe(830);
    expect(document?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Ticketing', Dimensions: [['service']], Metrics: [{ Name: 'WaitlistReleaseToTicket', Unit: 'Milliseconds' }] });
  });

  it('writes a negative duration (two functions whose clocks are apart) as 0', () => {
    const [document] = captureStdout(() => measureBusinessDuration('WaitlistReleaseToTicket', -3));

    expect(document?.WaitlistReleaseToTicket).toBe(0);
  });
});
