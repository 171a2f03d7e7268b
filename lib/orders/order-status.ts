/**
 * The order state machine as data. RESERVED holds seats until `expiresAt`;
 * REFUND_REQUIRED is money received for seats we no longer have (a late payment
 * after the hold was lost or the order expired), REFUNDED once that money, or
 * every ticket's, went back. CANCELLED and REFUNDED are final; a TICKETED order
 * becomes REFUNDED when its last ACTIVE ticket is refunded (退票).
 */
export const ORDER_STATUSES = ['RESERVED', 'PAID', 'TICKETED', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  RESERVED: ['PAID', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED'],
  // A paid change (改签) whose old ticket is no longer there to replace: its payment goes back.
  PAID: ['TICKETED', 'REFUND_REQUIRED'],
  // A payment that arrives after the sweeper expired the order.
  EXPIRED: ['REFUND_REQUIRED'],
  TICKETED: ['REFUNDED'],
  CANCELLED: [],
  REFUND_REQUIRED: ['REFUNDED'],
  REFUNDED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

export const isFinal = (status: OrderStatus): boolean => ORDER_TRANSITIONS[status].length === 0;

/** Done with as far as the sale goes: a TICKETED order changes only through after-sale, which writes a new version. */
export const isSettled = (status: OrderStatus): boolean => isFinal(status) || status === 'TICKETED';
