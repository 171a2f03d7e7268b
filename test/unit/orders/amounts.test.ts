import { InvalidRequestError } from '../../../lib/domain-error';
import { orderAmount } from '../../../lib/orders';
import { type Service, toService } from '../../../lib/timetable/service';
import { smallService } from '../../helpers/services';

describe('Function: orderAmount', () => {
  // Five stops, four segments; second class 553.00 CNY over the whole route.
  const service: Service = toService(smallService({ trainNo: 'G1' }));

  it.each([
    ['the whole route, one passenger', 0, 4, 1, 55300],
    ['half the route, one passenger', 0, 2, 1, 27650],
    ['one segment, three passengers', 1, 2, 3, 3 * 13825],
    ['the whole route, five passengers', 0, 4, 5, 5 * 55300],
  ])('charges %s', (_ride, fromIndex, toIndex, passengers, amount) => {
    // Act
    const result = orderAmount(service, 'second', { fromIndex, toIndex }, passengers);

    // Assess
    expect(result).toBe(amount);
  });

  it('rounds each ticket to the fen before multiplying by the passengers', () => {
    // Prepare: 1001 fen over 4 segments; 3 segments are 750.75 fen, a ticket 751
    const odd: Service = { ...service, fares: { second: 1001 } };

    // Act
    const result = orderAmount(odd, 'second', { fromIndex: 1, toIndex: 4 }, 2);

    // Assess
    expect(result).toBe(1502);
    expect(Number.isInteger(result)).toBe(true);
  });

  it('refuses a class the service does not sell as a validation problem', () => {
    // Act
    const act = () => orderAmount(service, 'business', { fromIndex: 0, toIndex: 4 }, 1);

    // Assess
    expect(act).toThrow(InvalidRequestError);
    expect(act).toThrow(expect.objectContaining({ problem: 'validation', errors: [expect.objectContaining({ path: 'seatClass' })] }));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p passengers as a programming error', (passengers) => {
    // Act
    const act = () => orderAmount(service, 'second', { fromIndex: 0, toIndex: 4 }, passengers);

    // Assess
    expect(act).toThrow(RangeError);
  });
});
