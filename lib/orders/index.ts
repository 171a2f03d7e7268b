export { orderAmount } from './amounts';
export {
  IDEMPOTENCY_KEY_HEADER,
  MAX_PASSENGERS,
  ORDER_CURRENCY,
  PAYMENT_SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
} from './constants';
export {
  DuplicatePassengerError,
  IdempotencyConflictError,
  InvalidStateError,
  LimitReachedError,
  OrderError,
  OrderNotFoundError,
  OrderVersionConflictError,
  PaymentMismatchError,
  PaymentSignatureError,
  PaymentSignatureMismatchError,
  TicketMismatchError,
} from './errors';
export {
  type Order,
  type OrderDraft,
  type OrderSeat,
  type Passenger,
  type Payment,
  type PaymentContext,
  type PaymentOutcome,
  type PaymentStatus,
  type Ticket,
  PAYMENT_STATUSES,
  applyPayment,
  cancel,
  expire,
  isOverdue,
  needsSeatCheck,
  passengerFare,
  reserveOrder,
  ticket,
} from './order';
export { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus, canTransition, isFinal, isSettled } from './order-status';
export { type OrderView, type Refund, type TicketStatus, orderSchema, orderViewSchema, toView } from './order-schema';
export { type RawBody, signPayment, verifyPaymentCallback, verifyPaymentSignature, type WebhookSecretSource } from './payment-signature';
export {
  type CreateOrderRequest,
  type PaymentCallback,
  createOrderHeadersSchema,
  createOrderSchema,
  idempotencyKeySchema,
  listOrdersQuerySchema,
  orderIdSchema,
  orderPathSchema,
  passengerSchema,
  paymentCallbackSchema,
} from './requests';
export { type ResidentIdVerdict, isValidResidentId, residentIdCheckCharacter, residentIdSchema, validateResidentId } from './resident-id';
export { type UserLimitSettings, UserLimits, beijingDay } from './user-limits';
