import { departsAt, hasDeparted, isPastDate } from '../../../lib/timetable/departure';

const overnight = {
  date: '2026-12-10',
  stops: [
    { station: 'VNP', name: 'Beijing', departs: '21:30' },
    { station: 'JGK', name: 'Jinan', arrives: '23:50', departs: '23:58' },
    { station: 'NKH', name: 'Nanjing', arrives: '03:10', departs: '03:15' },
    { station: 'AOH', name: 'Shanghai', arrives: '06:40' },
  ],
};

describe('Function: departsAt', () => {
  it('reads a departure as railway local time, UTC+8, on the service date', () => {
    expect(new Date(departsAt(overnight, 0)).toISOString()).toBe('2026-12-10T13:30:00.000Z');
    expect(new Date(departsAt(overnight, 1)).toISOString()).toBe('2026-12-10T15:58:00.000Z');
  });

  it('counts a stop past midnight on the next day', () => {
    expect(new Date(departsAt(overnight, 2)).toISOString()).toBe('2026-12-10T19:15:00.000Z');
    expect(new Date(departsAt(overnight, 3)).toISOString()).toBe('2026-12-10T22:40:00.000Z');
  });

  it('rolls over when a departure is earlier than the arrival before it at the same stop', () => {
    const service = { date: '2026-12-10', stops: [{ station: 'VNP', name: 'A', departs: '22:00' }, { station: 'JGK', name: 'B', arrives: '23:59', departs: '00:03' }, { station: 'AOH', name: 'C', arrives: '01:00' }] };
    expect(new Date(departsAt(service, 1)).toISOString()).toBe('2026-12-10T16:03:00.000Z');
  });
});

describe('Function: hasDeparted', () => {
  it('is false until the very minute the train leaves the boarding stop, true from then on', () => {
    const leaves = Date.parse('2026-12-10T15:58:00Z');
    expect(hasDeparted(overnight, 1, leaves - 1)).toBe(false);
    expect(hasDeparted(overnight, 1, leaves)).toBe(true);
  });
});

describe('Function: isPastDate', () => {
  it('compares with today in Beijing, which starts at 16:00 UTC the day before', () => {
    expect(isPastDate('2026-12-01', Date.parse('2026-12-01T15:59:59Z'))).toBe(false);
    expect(isPastDate('2026-12-01', Date.parse('2026-12-01T16:00:00Z'))).toBe(true);
    expect(isPastDate('2026-12-02', Date.parse('2026-12-01T16:00:00Z'))).toBe(false);
  });
});
