import { OrderEventPublishError } from '../../../lib/events/errors';
import type { OrderEventSink } from '../../../lib/events/order-event-publisher';
import type { OrderEvent } from '../../../lib/events/order-events';
import { OrderRelay } from '../../../lib/events/order-relay';
import { redactIdNumbers } from '../../../lib/http/log-redaction';
import { logger } from '../../../lib/http/logger';
import { reservedOrder } from '../orders/order-fixtures';
import { StreamRecords, orderItem } from '../events/stream-records';

const ID_NUMBER = '110101199003070011';

/** What the logger printed while `act` ran. */
async function printed(act: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return lines.join('');
}

/** A sink that fails as Kinesis might, echoing what it was sent, and names the events as a relay before sealing did. */
class FailingSink implements OrderEventSink {
  async publish(events: readonly OrderEvent[]): Promise<void> {
    const withIds = events.map((event) => ({ event: { ...event, order: { ...event.order, passengers: [{ name: 'Li Lei', idNumber: ID_NUMBER }] } } as unknown as OrderEvent, errorCode: 'InternalFailure', errorMessage: `rejected record ${ID_NUMBER}` }));
    throw new OrderEventPublishError('order-events', events.length, withIds, { cause: new Error(`ValidationException: record for passenger ${ID_NUMBER}`) });
  }
}

describe('Function: redactIdNumbers', () => {
  it('masks every resident ID number, an X check character included, and leaves other numbers alone', () => {
    expect(redactIdNumbers(`a ${ID_NUMBER} b 11010519491231002x`)).toBe('a 110101********0011 b 110105********002x');
    expect(redactIdNumbers('sequence 49656816427341850392186212387341516829016521849462194178, amount 55300')).toBe(
      'sequence 49656816427341850392186212387341516829016521849462194178, amount 55300',
    );
  });
});

describe('Logger: the shared logger', () => {
  it('logs no ID number when the relay fails to publish events that carry one, in the error, its fields or its cause', async () => {
    // Prepare
    const records = new StreamRecords();
    const relay = new OrderRelay(new FailingSink(), { logger });
    const batch = [records.insert(orderItem(reservedOrder({ passengers: [{ name: 'Li Lei', idNumber: ID_NUMBER }] })))];

    // Act
    const output = await printed(() => relay.relay(batch));

    // Assess
    expect(output).toContain('order events not published');
    expect(output).toContain('110101********0011');
    expect(output).not.toContain(ID_NUMBER);
  });

  it('masks an ID number in a message and in attributes', async () => {
    // Act
    const output = await printed(async () => logger.error(`passenger ${ID_NUMBER} refused`, { passengers: [{ idNumber: ID_NUMBER }] }));

    // Assess
    expect(output).not.toContain(ID_NUMBER);
    expect(output.match(/110101\*{8}0011/g)).toHaveLength(2);
  });
});
