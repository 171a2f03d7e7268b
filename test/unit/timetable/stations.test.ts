import { railwayDate, StationList } from '../../../lib/timetable/stations';
import type { Stop } from '../../../lib/timetable/service';

const beijingSouth: Stop = { station: 'VNP', name: 'Beijing South', departs: '09:00' };
const jinanWest: Stop = { station: 'JGK', name: 'Jinan West', arrives: '10:32', departs: '10:34' };
const hongqiao: Stop = { station: 'AOH', name: 'Shanghai Hongqiao', arrives: '13:28' };

/** A timetable store that answers the given stops and records the dates it was asked from. */
function storeOf(answers: Array<Stop[][] | Error>) {
  const asked: string[] = [];
  return {
    asked,
    stopsOfServicesFrom: async (date: string) => {
      asked.push(date);
      const answer = answers.shift() ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('Function: railwayDate', () => {
  it('counts the date in Asia/Shanghai: 16:00 UTC is already the next day', () => {
    expect(railwayDate(Date.parse('2026-12-01T15:59:59Z'))).toBe('2026-12-01');
    expect(railwayDate(Date.parse('2026-12-01T16:00:00Z'))).toBe('2026-12-02');
  });
});

describe('Class: StationList', () => {
  describe('Method: list', () => {
    it('lists each station once, ordered by code, from the services departing from the railway date of today on', async () => {
      const store = storeOf([[[beijingSouth, jinanWest, hongqiao], [beijingSouth, hongqiao]]]);
      const stations = new StationList(store, () => Date.parse('2026-12-01T17:00:00Z'));

      const listed = await stations.list();

      expect(listed).toEqual([
        { code: 'AOH', name: 'Shanghai Hongqiao' },
        { code: 'JGK', name: 'Jinan West' },
        { code: 'VNP', name: 'Beijing South' },
      ]);
      expect(store.asked).toEqual(['2026-12-02']);
    });

    it('answers from its cache within the window and reads again after it', async () => {
      let now = 0;
      const store = storeOf([[[beijingSouth, hongqiao]], [[jinanWest, hongqiao]]]);
      const stations = new StationList(store, () => now, 10_000);

      await stations.list();
      now = 9_999;
      expect((await stations.list()).map((s) => s.code)).toEqual(['AOH', 'VNP']);
      now = 10_000;
      expect((await stations.list()).map((s) => s.code)).toEqual(['AOH', 'JGK']);
      expect(store.asked).toHaveLength(2);
    });

    it('does not cache a failed read', async () => {
      const store = storeOf([new Error('throttled'), [[beijingSouth, hongqiao]]]);
      const stations = new StationList(store, () => 0);

      await expect(stations.list()).rejects.toThrow('throttled');
      expect(await stations.list()).toHaveLength(2);
    });
  });
});
