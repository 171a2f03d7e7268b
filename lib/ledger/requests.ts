import { z } from 'zod';
import { seatClassSchema, serviceIdSchema, stationCode } from '../timetable/requests';

export const holdIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'hold ids are 1–64 letters, digits, - or _');

export const preferencesSchema = z.strictObject({
  letters: z.array(z.string().regex(/^[A-F]$/, 'seat letters are A–F')).max(6).optional(),
  together: z.boolean().optional(),
});

export const createHoldSchema = z
  .strictObject({
    holdId: holdIdSchema,
    serviceId: serviceIdSchema,
    from: stationCode,
    to: stationCode,
    seatClass: seatClassSchema,
    count: z.int().min(1).max(5),
    ttlSeconds: z.int().min(1).max(86_400),
    preferences: preferencesSchema.optional(),
  })
  .refine(({ from, to }) => from !== to, { path: ['to'], message: 'from and to must differ' });

export const holdPathSchema = z.object({ holdId: holdIdSchema });
