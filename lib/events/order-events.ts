import { z } from 'zod';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../orders';
import { ORDER_FIELDS, type AfterSaleEventType } from '../orders/order-schema';
// Order items in the orders table; other items there (`IDEMP#…`) are not orders.
import { ORDER_PK_PREFIX, ORDER_SK } from '../orders/order-keys';
import { maskId } from '../orders/passenger-data';
import { MalformedOrderItemError } from './errors';

/**
 * The events of the `order-events` stream: one per order version, made from the
 * orders table's stream images. Pure: images come in already unmarshalled.
 *
 * A version is announced by its status (OrderPaid…), unless an after-sale write
 * made it: tickets refunded (the order TICKETED or REFUNDED) or a ticket changed
 * for one of another order (`TicketsRefunded`, `TicketChanged`). Their orders
 * carry the tickets' statuses, so consumers see which seats were freed.
 */
export const ORDER_EVENT_TYPES = {
  RESERVED: 'OrderReserved',
  PAID: 'OrderPaid',
  TICKETED: 'OrderTicketed',
  CANCELLED: 'OrderCancelled',
  EXPIRED: 'OrderExpired',
  REFUND_REQUIRED: 'OrderRefundRequired',
  REFUNDED: 'OrderRefunded',
  WAITLISTED: 'OrderWaitlisted',
  WAITING: 'OrderWaiting',
} as const satisfies Record<OrderStatus, string>;

export type EventStatus = keyof typeof ORDER_EVENT_TYPES;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[EventStatus] | AfterSaleEventType;

/** A passenger as events carry them: the name and the masked ID number, never the number. */
export interface EventPassenger {
  name: string;
  idMasked: string;
}

/** The order in an event: as stored, but its passengers' ID numbers left out (no consumer needs them). */
export type EventOrder = Omit<Order, 'passengers'> & { passengers: EventPassenger[] };

/** The envelope of every order event; `order` is the order as it was at `version`. */
export interface OrderEventOf<S extends EventStatus, T extends OrderEventType = (typeof ORDER_EVENT_TYPES)[S]> {
  /** `<orderId>:<version>`: the same state change always has the same id, so consumers can drop repeats. */
  eventId: string;
  type: T;
  orderId: string;
  version: number;
  /** The order's `updatedAt`: when the change happened, not when it was relayed. */
  occurredAt: string;
  order: EventOrder & { status: S };
}

export type OrderReserved = OrderEventOf<'RESERVED'>;
export type OrderPaid = OrderEventOf<'PAID'>;
export type OrderTicketed = OrderEventOf<'TICKETED'>;
export type OrderCancelled = OrderEventOf<'CANCELLED'>;
export type OrderExpired = OrderEventOf<'EXPIRED'>;
export type OrderRefundRequired = OrderEventOf<'REFUND_REQUIRED'>;
export type OrderRefunded = OrderEventOf<'REFUNDED'>;
export type OrderWaitlisted = OrderEventOf<'WAITLISTED'>;
export type OrderWaiting = OrderEventOf<'WAITING'>;
/** Some tickets of an order refunded (退票); the order is TICKETED while one is ACTIVE, REFUNDED after. */
export type TicketsRefunded = OrderEventOf<'TICKETED' | 'REFUNDED', 'TicketsRefunded'>;
/** A ticket of this order became CHANGED: its passenger travels on the order in its `changedTo`. */
export type TicketChanged = OrderEventOf<'TICKETED' | 'REFUNDED', 'TicketChanged'>;

export type OrderEvent =
  | OrderReserved
  | OrderPaid
  | OrderTicketed
  | OrderCancelled
  | OrderExpired
  | OrderRefundRequired
  | OrderRefunded
  | OrderWaitlisted
  | OrderWaiting
  | TicketsRefunded
  | TicketChanged;

/** The type an order at a version is announced as. */
export const eventTypeOf = (order: Pick<Order, 'status' | 'version' | 'lastEvent'>): OrderEventType =>
  order.lastEvent?.version === order.version ? order.lastEvent.type : ORDER_EVENT_TYPES[order.status];

/** A plain, unmarshalled table item. */
export type TableItem = Record<string, unknown>;

export const orderEventId = (orderId: string, version: number): string => `${orderId}:${version}`;

/** Whether a table item is an order (and not an idempotency record or any other item of the table). */
export function isOrderItem(item: TableItem): boolean {
  return typeof item.pk === 'string' && item.pk.startsWith(ORDER_PK_PREFIX) && item.sk === ORDER_SK;
}

/**
 * The event for one stream record of the orders table, or undefined when the
 * record is not an order state change: not an order item, a REMOVE (no new
 * image), or a MODIFY that did not advance the version (another
 * attribute changed). The version decides, so each version has one event and
 * an event id never names two different states.
 *
 * @throws MalformedOrderItemError for an item at an order key that is not an order.
 */
export function orderEventFor(newImage: TableItem | undefined, oldImage?: TableItem): OrderEvent | undefined {
  if (newImage === undefined || !isOrderItem(newImage)) return undefined;
  const { orderId, version, updatedAt } = parseOrderItem(newImage);
  if (oldImage !== undefined && !advances(version, oldImage)) return undefined;
  const order = snapshotOf(newImage);
  return {
    eventId: orderEventId(orderId, version),
    type: eventTypeOf(order),
    orderId,
    version,
    occurredAt: updatedAt,
    order,
  } as OrderEvent;
}

/** What an event relies on; the rest of the order is passed through as the table holds it. */
const orderItemSchema = z.object({
  pk: z.string(),
  orderId: z.string().min(1),
  status: z.enum(ORDER_STATUSES),
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime(),
});

function parseOrderItem(item: TableItem): z.infer<typeof orderItemSchema> {
  const result = orderItemSchema.safeParse(item);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`).join('; ');
    throw new MalformedOrderItemError(`order item ${String(item.pk)} is not an order: ${problems}`, { cause: result.error });
  }
  if (result.data.pk !== `${ORDER_PK_PREFIX}${result.data.orderId}`) {
    throw new MalformedOrderItemError(`order item ${result.data.pk} holds order ${result.data.orderId}`);
  }
  return result.data;
}

/** An old image without a readable version cannot prove that nothing changed: publish (a repeat is harmless, a loss is not). */
function advances(version: number, oldImage: TableItem): boolean {
  return typeof oldImage.version !== 'number' || version > oldImage.version;
}

/** The order without the table's own attributes (keys, index keys, TTL) nor its passengers' ID numbers. */
function snapshotOf(item: TableItem): EventOrder {
  const order = Object.fromEntries(Object.entries(item).filter(([field, value]) => ORDER_FIELDS.has(field) && value !== undefined)) as unknown as EventOrder;
  return { ...order, passengers: Array.isArray(item.passengers) ? item.passengers.map(eventPassenger) : [] };
}

/** Stored passengers carry `idMasked`; orders stored before ID numbers were sealed carry the number, masked here. */
function eventPassenger(passenger: unknown): EventPassenger {
  const { name, idMasked, idNumber } = (passenger ?? {}) as { name?: unknown; idMasked?: unknown; idNumber?: unknown };
  return { name: String(name ?? ''), idMasked: typeof idMasked === 'string' ? idMasked : typeof idNumber === 'string' ? maskId(idNumber) : '' };
}
