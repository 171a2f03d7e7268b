import { z } from 'zod';
import { seatClassSchema, serviceIdSchema, stationCode } from './requests';
import { coachSchema, publishServiceSchema, stopSchema } from './service';

/**
 * Response bodies of the timetable routes (shared/API.md). Loose: the contract
 * lets a response carry fields beyond the ones it names.
 */

export const publishServiceResponseSchema = z.looseObject({
  serviceId: serviceIdSchema,
  seats: z.int().positive(),
});

export const classAvailabilitySchema = z.looseObject({
  available: z.int().min(0),
  /** Integer fen for this ride: the class's fare pro rata of the stops it spans. */
  fare: z.int().min(0),
});

/** Only the classes the service has coaches of. */
const classesSchema = z.partialRecord(seatClassSchema, classAvailabilitySchema);

export const availabilityResponseSchema = z.looseObject({
  serviceId: serviceIdSchema,
  from: stationCode,
  to: stationCode,
  classes: classesSchema,
});

export const stationsResponseSchema = z.looseObject({
  stations: z.array(z.looseObject({ code: stationCode, name: stopSchema.shape.name })),
});

export const serviceSummarySchema = z.looseObject({
  serviceId: serviceIdSchema,
  trainNo: publishServiceSchema.shape.trainNo,
  date: publishServiceSchema.shape.date,
  from: z.looseObject({
    station: stationCode,
    departs: stopSchema.shape.departs,
    /** When the train leaves the boarding stop: `departs` on its day (a stop past midnight is on the day after the service date). */
    departsAt: z.iso.datetime(),
  }),
  to: z.looseObject({ station: stationCode, arrives: stopSchema.shape.arrives }),
  classes: classesSchema,
});

export const searchServicesResponseSchema = z.looseObject({ services: z.array(serviceSummarySchema) });

export const seatMapResponseSchema = z.looseObject({
  coaches: z.array(
    z.looseObject({
      coach: coachSchema.shape.coach,
      seatClass: seatClassSchema,
      seats: z.array(z.looseObject({ seat: z.string(), free: z.boolean() })),
    }),
  ),
});
