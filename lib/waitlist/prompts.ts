import { ORDER_EVENT_TYPES, type OrderEventType } from '../events/order-events';

/**
 * The `order-events` types after which seats of the order's service and class may
 * be free for the waitlist: a release (cancel, expiry, a refund, a change, a late
 * payment's lost hold), or a newly WAITING order that seats freed before it was
 * paid may already fit. The fulfiller acts on these only; its event source mapping
 * delivers only these (FilterCriteria), so the sale's other events cost it nothing.
 */
export const WAITLIST_PROMPTS: readonly OrderEventType[] = [
  ORDER_EVENT_TYPES.CANCELLED,
  ORDER_EVENT_TYPES.EXPIRED,
  ORDER_EVENT_TYPES.REFUND_REQUIRED,
  ORDER_EVENT_TYPES.WAITING,
  'TicketsRefunded',
  'TicketChanged',
];
