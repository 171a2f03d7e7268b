/**
 * The order state machine as data. INIT is an order written before its seats
 * are held; RESERVED holds seats until `expiresAt`; REFUND_REQUIRED is money
 * received for seats we no longer have (a late payment after the hold was lost
 * or the order expired). TICKETED, CANCELLED, REFUND_REQUIRED and FAILED are final.
 */
export const ORDER_STATUSES = ['INIT', 'RESERVED', 'PAID', 'TICKETED', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED', 'FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  INIT: ['RESERVED', 'FAILED'],
  RESERVED: ['PAID', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED'],
  PAID: ['TICKETED'],
  // A payment that arrives after the sweeper expired the order.
  EXPIRED: ['REFUND_REQUIRED'],
  TICKETED: [],
  CANCELLED: [],
  REFUND_REQUIRED: [],
  FAILED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

export const isFinal = (status: OrderStatus): boolean => ORDER_TRANSITIONS[status].length === 0;
