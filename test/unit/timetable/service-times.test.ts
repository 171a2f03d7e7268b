import { serviceEndsAt } from '../../../lib/timetable/service-times';
import { smallService } from '../../helpers/services';

const withTimes = (times: Array<[string | undefined, string | undefined]>) => ({
  date: '2026-12-01',
  stops: times.map(([arrives, departs], i) => ({ station: `S${String.fromCharCode(65 + i)}A`, name: `Stop ${i}`, ...(arrives ? { arrives } : {}), ...(departs ? { departs } : {}) })),
});

describe('Function: serviceEndsAt', () => {
  it('is the arrival at the last stop on the service date, in Beijing time', () => {
    expect(serviceEndsAt(smallService({ date: '2026-12-01' }))).toEqual(new Date('2026-12-01T13:28:00+08:00'));
  });

  it('counts a day for each midnight the train runs past, at a stop or between two', () => {
    const sleeper = withTimes([
      [undefined, '19:10'],
      ['23:58', '00:04'],
      ['05:30', '05:40'],
      ['23:10', '23:20'],
      ['07:00', undefined],
    ]);

    expect(serviceEndsAt(sleeper)).toEqual(new Date('2026-12-03T07:00:00+08:00'));
  });

  it('takes a stop where the train arrives and departs in the same minute as no time passing', () => {
    expect(serviceEndsAt(withTimes([[undefined, '08:00'], ['09:00', '09:00'], ['10:00', undefined]]))).toEqual(new Date('2026-12-01T10:00:00+08:00'));
  });

  it('ends a service with no times the day after its date', () => {
    expect(serviceEndsAt(withTimes([[undefined, undefined], [undefined, undefined]]))).toEqual(new Date('2026-12-02T00:00:00+08:00'));
  });
});
