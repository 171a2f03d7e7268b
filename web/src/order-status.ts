/** Order states after which nothing more happens by itself: no need to keep reading. */
export const SETTLED_STATUSES = new Set(['TICKETED', 'CANCELLED', 'EXPIRED', 'REFUNDED']);

/** Settled, and no ticket of it waits for a change to be paid (once paid, that ticket becomes CHANGED). */
export const isSettled = (order: { status: string; tickets?: { pendingChange?: string }[] }): boolean =>
  SETTLED_STATUSES.has(order.status) && !(order.tickets ?? []).some((ticket) => ticket.pendingChange);

export const trainOf = (serviceId: string): string => serviceId.split('_')[0] ?? serviceId;
export const dateOf = (serviceId: string): string => serviceId.split('_')[1] ?? '';
