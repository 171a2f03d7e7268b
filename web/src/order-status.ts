/** Order states after which nothing more happens by itself: no need to keep reading. */
export const SETTLED_STATUSES = new Set(['TICKETED', 'CANCELLED', 'EXPIRED', 'REFUNDED']);

export const trainOf = (serviceId: string): string => serviceId.split('_')[0] ?? serviceId;
export const dateOf = (serviceId: string): string => serviceId.split('_')[1] ?? '';
