import { z } from 'zod';
import { SEAT_CLASSES, stationCode } from './service';

/** Query and path schemas of the timetable routes (the publish body is `publishServiceSchema`). */
export { stationCode };
export const serviceIdSchema = z.string().regex(/^[A-Z]\d{1,4}_\d{4}-\d{2}-\d{2}$/, 'service ids look like G1_2026-12-01');
export const seatClassSchema = z.enum(SEAT_CLASSES);

export const servicePathSchema = z.object({ serviceId: serviceIdSchema });

export const rideQuerySchema = z
  .object({ from: stationCode, to: stationCode })
  .refine(({ from, to }) => from !== to, { path: ['to'], message: 'from and to must differ' });

export const searchQuerySchema = z
  .object({ from: stationCode, to: stationCode, date: z.iso.date('dates are YYYY-MM-DD') })
  .refine(({ from, to }) => from !== to, { path: ['to'], message: 'from and to must differ' });

export const seatMapQuerySchema = z
  .object({ from: stationCode, to: stationCode, seatClass: seatClassSchema.optional() })
  .refine(({ from, to }) => from !== to, { path: ['to'], message: 'from and to must differ' });

export const inventoryAvailabilityQuerySchema = z
  .object({ serviceId: serviceIdSchema, from: stationCode, to: stationCode })
  .refine(({ from, to }) => from !== to, { path: ['to'], message: 'from and to must differ' });
