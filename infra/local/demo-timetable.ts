import { RAILWAY_UTC_OFFSET_MS } from '../../lib/timetable/departure';
import type { PublishServiceRequest } from '../../lib/timetable/service';

/**
 * The demo timetable the local cloud seeds: four G trains a day on the
 * Beijing–Shanghai high-speed line, for the next week, each with 312 seats.
 */
const TRAINS = [
  { trainNo: 'G1', times: ['07:00', '08:24', '08:26', '10:20', '10:22', '11:29'] },
  { trainNo: 'G3', times: ['09:00', '10:24', '10:26', '12:20', '12:22', '13:29'] },
  { trainNo: 'G5', times: ['12:00', '13:24', '13:26', '15:20', '15:22', '16:29'] },
  { trainNo: 'G7', times: ['14:00', '15:24', '15:26', '17:20', '17:22', '18:29'] },
] as const;

const COACHES: PublishServiceRequest['coaches'] = [
  { coach: '01', seatClass: 'business', rows: 3, letters: ['A', 'C', 'F'] },
  { coach: '02', seatClass: 'first', rows: 12, letters: ['A', 'C', 'D', 'F'] },
  { coach: '03', seatClass: 'second', rows: 17, letters: ['A', 'B', 'C', 'D', 'F'] },
  { coach: '04', seatClass: 'second', rows: 17, letters: ['A', 'B', 'C', 'D', 'F'] },
  { coach: '05', seatClass: 'second', rows: 17, letters: ['A', 'B', 'C', 'D', 'F'] },
];

/** Whole-run fares in fen. */
const FARES: PublishServiceRequest['fares'] = { business: 174800, first: 93300, second: 55300 };

export const DEMO_DAYS = 7;

/** One publish request per train per day, from the railway-local date of `from` on (so never a day already past). */
export function demoTimetable(from: Date = new Date(), days: number = DEMO_DAYS): PublishServiceRequest[] {
  const today = new Date(from.getTime() + RAILWAY_UTC_OFFSET_MS);
  const dates = Array.from({ length: days }, (_, day) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + day)));
  return dates.flatMap((date) =>
    TRAINS.map(({ trainNo, times: [departs, jinanArrives, jinanDeparts, nanjingArrives, nanjingDeparts, arrives] }) => ({
      trainNo,
      date: date.toISOString().slice(0, 10),
      stops: [
        { station: 'VNP', name: 'Beijing South', departs },
        { station: 'JGK', name: 'Jinan West', arrives: jinanArrives, departs: jinanDeparts },
        { station: 'NKH', name: 'Nanjing South', arrives: nanjingArrives, departs: nanjingDeparts },
        { station: 'AOH', name: 'Shanghai Hongqiao', arrives },
      ],
      coaches: COACHES,
      fares: FARES,
    })),
  );
}
