import { z } from 'zod';
import { heldSeatSchema } from '../ledger/responses';
import { seatClassSchema, serviceIdSchema, stationCode } from '../timetable/requests';
import { ORDER_CURRENCY } from './constants';
import { ORDER_STATUSES } from './order-status';
import { orderIdSchema } from './requests';

/**
 * The order, written once. The domain type (`Order`), what a traveller sees
 * (`OrderView`, the API's order), what events and the read model carry are all
 * derived from these schemas: a field is added here and nowhere else.
 */

const TICKET_STATUSES = ['ACTIVE', 'REFUNDED', 'CHANGED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The event an after-sale change of an order is announced as (its status alone does not say what happened). */
export const AFTER_SALE_EVENT_TYPES = ['TicketsRefunded', 'TicketChanged', 'TicketChangeRequested'] as const;
export type AfterSaleEventType = (typeof AFTER_SALE_EVENT_TYPES)[number];

/** Why money goes back: a ticket refunded (退票), a cheaper change (改签), a payment for seats we no longer had, a waitlist request never served (候补). */
export const REFUND_REASONS = ['refund', 'change', 'late-payment', 'waitlist'] as const;

const orderSeatSchema = heldSeatSchema.extend({ passengerName: z.string() });

const ticketRefSchema = z.object({ orderId: orderIdSchema, ticketNo: z.string().min(1) });

const ticketSchema = orderSeatSchema.extend({
  ticketNo: z.string().min(1),
  from: stationCode,
  to: stationCode,
  /** ACTIVE until refunded or changed for a ticket of another order (`changedTo`). */
  status: z.enum(TICKET_STATUSES),
  /** Integer fen: what this passenger's ride cost. */
  fare: z.int().min(0),
  changedTo: ticketRefSchema.optional(),
  /** A dearer change of this ticket waits for payment as this order; once it is ticketed this ticket becomes CHANGED. */
  pendingChange: orderIdSchema.optional(),
});

/** Money owed back to the payer, sent through the refund outbox once per `refundId`. */
export const refundSchema = z.object({
  refundId: z.string().min(1),
  reason: z.enum(REFUND_REASONS),
  ticketNo: z.string().optional(),
  fare: z.int().min(0),
  fee: z.int().min(0),
  amount: z.int().min(0),
  /** The order version that owed it: its event sends it. */
  version: z.int().positive(),
});

const passengerRecordSchema = z.object({ name: z.string(), idNumber: z.string() });

export const orderSchema = z.object({
  orderId: orderIdSchema,
  userId: z.string().min(1),
  status: z.enum(ORDER_STATUSES),
  /** 1 when created, + 1 on every change: the condition of every write and half of every event id. */
  version: z.int().positive(),
  serviceId: serviceIdSchema,
  from: stationCode,
  to: stationCode,
  fromIndex: z.int().min(0),
  toIndex: z.int().min(1),
  seatClass: seatClassSchema,
  passengers: z.array(passengerRecordSchema),
  seats: z.array(orderSeatSchema),
  /** Integer fen to pay: every passenger's fare, or a change's difference. */
  amount: z.int().min(0),
  currency: z.literal(ORDER_CURRENCY),
  holdId: z.string().min(1),
  /** false: the ledger keeps no record of the hold, this order is its record (orders made since the hold record was dropped from the sale); absent: it keeps one. */
  holdRecorded: z.literal(false).optional(),
  /** The end of the payment window: a RESERVED order not paid by then becomes EXPIRED. */
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The payment that settled the order (PAID, TICKETED, or REFUND_REQUIRED after a late payment). */
  paymentId: z.string().optional(),
  /** Once TICKETED: one per passenger. */
  tickets: z.array(ticketSchema).optional(),
  /** Integer fen per passenger, when `amount` is not the fare (a change pays the difference). */
  fare: z.int().min(0).optional(),
  /** A change (改签): the ticket this order replaces. */
  changeOf: ticketRefSchema.optional(),
  /** A change to a cheaper or equal fare: the difference going back, without fee. */
  refund: z.object({ amount: z.int().min(0) }).optional(),
  /** Every refund the order owes or owed. */
  refunds: z.array(refundSchema).optional(),
  /** Set by an after-sale write: the event its version is announced as. */
  lastEvent: z.object({ type: z.enum(AFTER_SALE_EVENT_TYPES), version: z.int().positive() }).optional(),
  /** A waitlist request (候补): refunded in full if still WAITING at `until` (before the ride departs). */
  waitlist: z.object({ until: z.iso.datetime() }).optional(),
  /** When a WAITLISTED order was paid (became WAITING): its place in the queue of its service and class. */
  waitingSince: z.iso.datetime().optional(),
  /** A WAITING order served after a release: when that release happened (the release → ticket figure). */
  waitlistReleasedAt: z.iso.datetime().optional(),
});

export type Order = z.output<typeof orderSchema>;
export type Passenger = Order['passengers'][number];
export type OrderSeat = Order['seats'][number];
export type Ticket = NonNullable<Order['tickets']>[number];
export type Refund = NonNullable<Order['refunds']>[number];

/** An order as its traveller sees it: no passenger ID numbers, hold or payment ids, or versions. */
export const orderViewSchema = orderSchema.pick({
  orderId: true,
  status: true,
  serviceId: true,
  from: true,
  to: true,
  seatClass: true,
  seats: true,
  amount: true,
  currency: true,
  expiresAt: true,
  createdAt: true,
  tickets: true,
  changeOf: true,
  refund: true,
  waitlist: true,
});

export type OrderView = z.output<typeof orderViewSchema>;

const VIEW_FIELDS = Object.keys(orderViewSchema.shape) as (keyof OrderView)[];

/** The view of any order-shaped record (an order, an event's order, a read-model item): its view fields that are set. */
export const toView = (order: Partial<Record<keyof OrderView, unknown>>): OrderView =>
  Object.fromEntries(VIEW_FIELDS.filter((field) => order[field] !== undefined).map((field) => [field, order[field]])) as OrderView;

/** Every field of an order: what events carry of the orders table's items (the table's own attributes left out). */
export const ORDER_FIELDS: ReadonlySet<string> = new Set(Object.keys(orderSchema.shape));
