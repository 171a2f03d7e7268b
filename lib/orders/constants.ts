/** shared/API.md: one order carries 1–5 passengers. */
export const MAX_PASSENGERS = 5;

/** Every amount is integer fen of this currency. */
export const ORDER_CURRENCY = 'CNY';

/** Header names as API Gateway HTTP APIs deliver them (lower case). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const PAYMENT_SIGNATURE_HEADER = 'x-payment-signature';

/** A signed callback whose `t` is further than this from now is refused (replay window). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
