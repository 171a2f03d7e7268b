import { z } from 'zod';
import { preferencesSchema } from '../ledger/requests';
import { seatClassSchema, serviceIdSchema, stationCode } from '../timetable/requests';
import { IDEMPOTENCY_KEY_HEADER, MAX_PASSENGERS } from './constants';
import { PAYMENT_STATUSES } from './order';
import { residentIdSchema } from './resident-id';

/** Request schemas of the order and payment routes (shared/API.md). */

export const orderIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'order ids are 1–64 letters, digits, - or _');
export const idempotencyKeySchema = z.string().min(1, 'Idempotency-Key is 1–64 characters').max(64, 'Idempotency-Key is 1–64 characters');

/** POST /orders headers (lower-cased); the others stay readable. */
export const createOrderHeadersSchema = z.looseObject({ [IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema });

export const passengerSchema = z.strictObject({
  name: z.string().trim().min(1, 'a passenger name is 1–64 characters').max(64, 'a passenger name is 1–64 characters'),
  idNumber: residentIdSchema,
});

export const createOrderSchema = z
  .strictObject({
    serviceId: serviceIdSchema,
    from: stationCode,
    to: stationCode,
    seatClass: seatClassSchema,
    passengers: z.array(passengerSchema).min(1, 'an order has 1–5 passengers').max(MAX_PASSENGERS, 'an order has 1–5 passengers'),
    preferences: preferencesSchema.optional(),
    /** 候补: when sold out, wait (prepaid) for seats until this time instead of answering sold-out. */
    waitlist: z.strictObject({ until: z.iso.datetime({ offset: true, error: 'an ISO-8601 date and time' }) }).optional(),
  })
  .superRefine(({ from, to, passengers }, ctx) => {
    if (from === to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from and to must differ' });
    // Case-folded: the check runs on the raw strings when another passenger field failed.
    const ids = passengers.map((p) => p.idNumber.toUpperCase());
    ids.forEach((id, i) => {
      const first = ids.indexOf(id);
      if (first !== i) ctx.addIssue({ code: 'custom', path: ['passengers', i, 'idNumber'], message: `the same ID number as passenger ${first + 1}` });
    });
  });

export type CreateOrderRequest = z.output<typeof createOrderSchema>;

export const orderPathSchema = z.object({ orderId: orderIdSchema });

export const listOrdersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

/**
 * POST /payments/callback body, read only after its signature was verified.
 * Unknown fields are dropped, not refused: a provider adding one must not make
 * a signed callback fail. Any currency string passes here so a wrong one
 * answers payment-mismatch, not validation.
 */
export const paymentCallbackSchema = z.object({
  paymentId: z.string().min(1).max(128),
  orderId: orderIdSchema,
  amount: z.int().min(0),
  currency: z.string().min(1).max(16),
  status: z.enum(PAYMENT_STATUSES),
});

export type PaymentCallback = z.output<typeof paymentCallbackSchema>;
