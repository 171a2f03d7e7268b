import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A service is one train on one date with ordered stops; stop i → i+1 is segment i.
 * Pure: no I/O. Segment occupancy is a bitmask, so a service has at most
 * MAX_STOPS stops (MAX_STOPS - 1 segments fit in a 31-bit mask).
 */
export const MAX_STOPS = 32;
export const SEAT_CLASSES = ['business', 'first', 'second'] as const;
export type SeatClass = (typeof SEAT_CLASSES)[number];

export const stationCode = z.string().regex(/^[A-Z]{3}$/, 'station codes are 3 capital letters');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'times are HH:MM');
const isoDate = z.iso.date('dates are YYYY-MM-DD');

export const stopSchema = z.strictObject({
  station: stationCode,
  name: z.string().min(1).max(64),
  arrives: clock.optional(),
  departs: clock.optional(),
});

export const coachSchema = z.strictObject({
  coach: z.string().regex(/^\d{2}$/, 'coach numbers are two digits, e.g. "01"'),
  seatClass: z.enum(SEAT_CLASSES),
  rows: z.int().min(1).max(40),
  letters: z
    .array(z.string().regex(/^[A-F]$/, 'seat letters are A–F'))
    .min(1)
    .max(6)
    .refine((letters) => new Set(letters).size === letters.length, 'seat letters must be distinct'),
});

export const publishServiceSchema = z
  .strictObject({
    trainNo: z.string().regex(/^[A-Z]\d{1,4}$/, 'trainNo is a capital letter and 1–4 digits'),
    date: isoDate,
    stops: z.array(stopSchema).min(2).max(MAX_STOPS),
    coaches: z.array(coachSchema).min(1).max(40),
    fares: z.partialRecord(z.enum(SEAT_CLASSES), z.int().positive()),
  })
  .superRefine((service, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const stations = service.stops.map((s) => s.station);
    stations.forEach((station, i) => {
      if (stations.indexOf(station) !== i) issue(['stops', i, 'station'], `station ${station} appears twice`);
    });
    service.stops.forEach((stop, i) => {
      if (i > 0 && !stop.arrives) issue(['stops', i, 'arrives'], 'every stop but the first needs "arrives"');
      if (i < service.stops.length - 1 && !stop.departs) issue(['stops', i, 'departs'], 'every stop but the last needs "departs"');
    });
    const coachIds = service.coaches.map((c) => c.coach);
    coachIds.forEach((coach, i) => {
      if (coachIds.indexOf(coach) !== i) issue(['coaches', i, 'coach'], `coach ${coach} appears twice`);
    });
    for (const coach of service.coaches) {
      if (service.fares[coach.seatClass] === undefined) issue(['fares', coach.seatClass], `class ${coach.seatClass} of coach ${coach.coach} has no fare`);
    }
  });

export type PublishServiceRequest = z.infer<typeof publishServiceSchema>;
export type Stop = z.infer<typeof stopSchema>;
export type Coach = z.infer<typeof coachSchema>;

export interface Service extends PublishServiceRequest {
  serviceId: string;
}

export interface SeatId {
  coach: string;
  seat: string;
}

/** A seat as laid out in a coach: `seat` is row + letter, zero-padded ("01A"). */
export interface SeatLayout extends SeatId {
  seatClass: SeatClass;
  row: number;
  letter: string;
}

export const serviceIdOf = (trainNo: string, date: string): string => `${trainNo}_${date}`;

export const toService = (request: PublishServiceRequest): Service => ({
  serviceId: serviceIdOf(request.trainNo, request.date),
  ...request,
});

export const seatNumber = (row: number, letter: string): string => `${String(row).padStart(2, '0')}${letter}`;

export function seatLayout(service: Pick<Service, 'coaches'>): SeatLayout[] {
  return service.coaches.flatMap((coach) =>
    Array.from({ length: coach.rows }, (_, r) =>
      coach.letters.map((letter) => ({
        coach: coach.coach,
        seat: seatNumber(r + 1, letter),
        seatClass: coach.seatClass,
        row: r + 1,
        letter,
      })),
    ).flat(),
  );
}

export const seatCount = (service: Pick<Service, 'coaches'>): number =>
  service.coaches.reduce((sum, coach) => sum + coach.rows * coach.letters.length, 0);

/** A stable digest of the definition: republishing the same service is a no-op, a different one a conflict. */
export function fingerprint(request: PublishServiceRequest): string {
  const canonical = JSON.stringify(request, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

export interface Ride {
  fromIndex: number;
  toIndex: number;
}

/** Stop indexes of a ride, or undefined when a station is not on the route or from is not before to. */
export function rideOf(service: Pick<Service, 'stops'>, from: string, to: string): Ride | undefined {
  const fromIndex = service.stops.findIndex((s) => s.station === from);
  const toIndex = service.stops.findIndex((s) => s.station === to);
  if (fromIndex < 0 || toIndex < 0 || fromIndex >= toIndex) return undefined;
  return { fromIndex, toIndex };
}

/** Bitmask of the segments [fromIndex, toIndex): bit i is segment i (stop i → i+1). */
export const segmentMask = ({ fromIndex, toIndex }: Ride): number => (2 ** toIndex - 2 ** fromIndex) | 0;

/** A ride from stop i to j pays round(fare * (j - i) / (stops - 1)). */
export const fareFor = (service: Pick<Service, 'stops' | 'fares'>, seatClass: SeatClass, ride: Ride): number | undefined => {
  const fare = service.fares[seatClass];
  if (fare === undefined) return undefined;
  return Math.round((fare * (ride.toIndex - ride.fromIndex)) / (service.stops.length - 1));
};

export const classesOf = (service: Pick<Service, 'coaches'>): SeatClass[] =>
  SEAT_CLASSES.filter((c) => service.coaches.some((coach) => coach.seatClass === c));
