export { MalformedOrderEventRecordError, OrderViewError } from './errors';
export { orderEventOf } from './order-event-record';
export { ORDER_VIEW_BY_USER_INDEX, type OrderViewPage, OrderViewStore, type OrderViewWriter, orderViewKeys } from './order-view-store';
export { OrderProjector, type ProjectionOutcome, type ProjectorLogger } from './projector';
