/**
 * The order state machine as data. RESERVED holds seats until `expiresAt`;
 * REFUND_REQUIRED is money received for seats we no longer have (a late payment
 * after the hold was lost or the order expired), REFUNDED once that money, or
 * every ticket's, went back. CANCELLED and REFUNDED are final; a TICKETED order
 * becomes REFUNDED when its last ACTIVE ticket is refunded (退票).
 * The waitlist (候补): WAITLISTED is a request for a sold-out ride, unpaid and
 * holding no seats; paid it is WAITING until seats free up (→ PAID, then
 * ticketed as usual), its owner cancels it or its deadline passes (→ REFUNDED).
 */
export const ORDER_STATUSES = ['RESERVED', 'PAID', 'TICKETED', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED', 'REFUNDED', 'WAITLISTED', 'WAITING'] as const;
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
  WAITLISTED: ['WAITING', 'CANCELLED', 'EXPIRED', 'REFUND_REQUIRED'],
  WAITING: ['PAID', 'REFUNDED'],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);

export const isFinal = (status: OrderStatus): boolean => ORDER_TRANSITIONS[status].length === 0;

/** Done with as far as the sale goes: a TICKETED order changes only through after-sale, which writes a new version. */
export const isSettled = (status: OrderStatus): boolean => isFinal(status) || status === 'TICKETED';
