import { z } from 'zod';
import { coachSchema } from '../timetable/service';
import { holdIdSchema } from './requests';

/**
 * Response bodies of the inventory routes (shared/API.md). Loose: the contract
 * lets a response carry fields beyond the ones it names.
 */

export const heldSeatSchema = z.looseObject({ coach: coachSchema.shape.coach, seat: z.string() });

export const holdResponseSchema = z.looseObject({
  holdId: holdIdSchema,
  seats: z.array(heldSeatSchema),
  /** The seats are free again from this instant unless the hold is confirmed. */
  expiresAt: z.iso.datetime(),
});

export const confirmHoldResponseSchema = z.looseObject({
  holdId: holdIdSchema,
  seats: z.array(heldSeatSchema),
  status: z.literal('CONFIRMED'),
});
