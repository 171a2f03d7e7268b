/**
 * What a function may do, named by intent. Each kind grants exactly its IAM
 * actions and sets exactly the environment variables naming what it touches
 * (infra/cdk/resource-access.ts), so a function's environment and its
 * permissions cannot drift apart.
 */
export type ResourceAccess =
  | 'ledger:read'
  | 'ledger:readWrite'
  | 'ledger:publish'
  | 'ledger:stations'
  | 'occupancy:write'
  | 'readiness'
  | 'orderViews:get'
  | 'orderViews:list'
  | 'orders:readWrite'
  | 'orders:expire'
  | 'payments';

/** Routes that share a sizing: the public searches, order creation, payment callbacks; every other route gets the default (infra/cdk/api-throttles.ts). */
export type ThrottleGroup = 'search' | 'order' | 'payment';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** none: public; jwt: a Cognito user's token; iam: SigV4-signed internal callers. */
export type RouteAuth = 'none' | 'jwt' | 'iam';

export interface ApiRoute {
  readonly method: RouteMethod;
  readonly path: string;
  /** Construct id of the function serving the route; also names its integration. */
  readonly functionId: string;
  /** Relative to the repository root. */
  readonly entry: string;
  readonly auth: RouteAuth;
  readonly access: readonly ResourceAccess[];
  readonly memorySize?: number;
  /** The throttle it shares with routes of its kind (api-throttles.ts); otherwise the per-route default. */
  readonly throttle?: ThrottleGroup;
  /** Public reads that CloudFront may answer from its cache for a few seconds (api-edge.ts). */
  readonly cacheable?: boolean;
}

/**
 * Every HTTP route, one function each: plain data, read by the CDK app (which
 * builds the API from it) and by the OpenAPI document (which a function serves).
 * Adding a route is adding a line.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/healthz', functionId: 'HealthzFunction', entry: 'functions/gateway/healthz.ts', auth: 'none', access: [] },
  { method: 'GET', path: '/readyz', functionId: 'ReadyzFunction', entry: 'functions/gateway/readyz.ts', auth: 'none', access: ['readiness'] },
  { method: 'GET', path: '/openapi.json', functionId: 'OpenApiFunction', entry: 'functions/gateway/openapi.ts', auth: 'none', access: [] },
  { method: 'POST', path: '/admin/services', functionId: 'PublishServiceFunction', entry: 'functions/timetable/publish-service.ts', auth: 'jwt', access: ['ledger:publish'] },
  { method: 'GET', path: '/stations', functionId: 'ListStationsFunction', entry: 'functions/timetable/list-stations.ts', auth: 'none', access: ['ledger:stations'], cacheable: true },
  { method: 'GET', path: '/services', functionId: 'SearchServicesFunction', entry: 'functions/timetable/search-services.ts', auth: 'none', access: ['ledger:read'], throttle: 'search', cacheable: true },
  { method: 'GET', path: '/services/{serviceId}/availability', functionId: 'GetServiceAvailabilityFunction', entry: 'functions/timetable/get-availability.ts', auth: 'none', access: ['ledger:read'], throttle: 'search', cacheable: true },
  { method: 'GET', path: '/services/{serviceId}/seatmap', functionId: 'GetSeatmapFunction', entry: 'functions/timetable/get-seatmap.ts', auth: 'none', access: ['ledger:read'], throttle: 'search', cacheable: true },
  { method: 'POST', path: '/inventory/holds', functionId: 'CreateHoldFunction', entry: 'functions/inventory/create-hold.ts', auth: 'iam', access: ['ledger:readWrite'], memorySize: 512 },
  { method: 'POST', path: '/inventory/holds/{holdId}/confirm', functionId: 'ConfirmHoldFunction', entry: 'functions/inventory/confirm-hold.ts', auth: 'iam', access: ['ledger:readWrite'] },
  { method: 'DELETE', path: '/inventory/holds/{holdId}', functionId: 'ReleaseHoldFunction', entry: 'functions/inventory/release-hold.ts', auth: 'iam', access: ['ledger:readWrite'] },
  { method: 'POST', path: '/orders', functionId: 'CreateOrderFunction', entry: 'functions/orders/create-order.ts', auth: 'jwt', access: ['orders:readWrite'], memorySize: 512, throttle: 'order' },
  { method: 'GET', path: '/orders', functionId: 'ListOrdersFunction', entry: 'functions/orders/list-orders.ts', auth: 'jwt', access: ['orderViews:list'] },
  { method: 'GET', path: '/orders/{orderId}', functionId: 'GetOrderFunction', entry: 'functions/orders/get-order.ts', auth: 'jwt', access: ['orderViews:get'] },
  { method: 'POST', path: '/orders/{orderId}/cancel', functionId: 'CancelOrderFunction', entry: 'functions/orders/cancel-order.ts', auth: 'jwt', access: ['orders:readWrite'] },
  { method: 'POST', path: '/orders/{orderId}/refund', functionId: 'RefundOrderFunction', entry: 'functions/orders/refund-order.ts', auth: 'jwt', access: ['orders:readWrite'] },
  { method: 'POST', path: '/orders/{orderId}/change', functionId: 'ChangeOrderFunction', entry: 'functions/orders/change-order.ts', auth: 'jwt', access: ['orders:readWrite'], memorySize: 512 },
  { method: 'POST', path: '/payments/callback', functionId: 'PaymentCallbackFunction', entry: 'functions/payments/payment-callback.ts', auth: 'none', access: ['orders:readWrite', 'payments'], throttle: 'payment' },
  { method: 'GET', path: '/inventory/availability', functionId: 'GetInventoryAvailabilityFunction', entry: 'functions/inventory/get-availability.ts', auth: 'iam', access: ['ledger:read'] },
];
