import { railwayDate } from '../../lib/timetable/departure';
import type { PublishServiceRequest } from '../../lib/timetable/service';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The railway-local date `days` after today: trains of it can be published and sold whenever the tests run. */
export const daysFromNow = (days: number): string => railwayDate(Date.now() + days * DAY_MS);

let trainCounter = 0;

/** A unique train number per call, so tests sharing one table never collide. */
export const nextTrainNo = (): string => `G${(++trainCounter % 9000) + 1000}`;

/** Five stops (four segments), one second-class coach of `rows` × A B C D F. */
export function smallService(options: { rows?: number; letters?: string[]; trainNo?: string; date?: string } = {}): PublishServiceRequest {
  return {
    trainNo: options.trainNo ?? nextTrainNo(),
    date: options.date ?? daysFromNow(30),
    stops: [
      { station: 'VNP', name: 'Beijing South', departs: '09:00' },
      { station: 'TXP', name: 'Tianjin South', arrives: '09:35', departs: '09:37' },
      { station: 'JGK', name: 'Jinan West', arrives: '10:32', departs: '10:34' },
      { station: 'NKH', name: 'Nanjing South', arrives: '12:20', departs: '12:22' },
      { station: 'AOH', name: 'Shanghai Hongqiao', arrives: '13:28' },
    ],
    coaches: [{ coach: '05', seatClass: 'second', rows: options.rows ?? 2, letters: options.letters ?? ['A', 'B', 'C', 'D', 'F'] }],
    fares: { second: 55300 },
  };
}

export const STATIONS = ['VNP', 'TXP', 'JGK', 'NKH', 'AOH'] as const;
