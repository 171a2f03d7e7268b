import type { Ticket as ApiTicket, OrderSeat } from '../../lib/orders/order';

/** The HTTP API as the console uses it (shared/API.md): typed calls, problem+json turned into ApiProblem. */

export type SeatClass = 'business' | 'first' | 'second';
export const SEAT_CLASSES: readonly SeatClass[] = ['business', 'first', 'second'];

export interface Station {
  code: string;
  name: string;
}
export interface ClassAvailability {
  available: number;
  fare: number;
}
export interface ServiceSummary {
  serviceId: string;
  trainNo: string;
  date: string;
  /** `departsAt`: the instant it leaves the boarding stop, on the right day (the API adds it to `departs`). */
  from: { station: string; departs?: string; departsAt?: string };
  to: { station: string; arrives?: string };
  classes: Partial<Record<SeatClass, ClassAvailability>>;
}
export interface SeatMapCoach {
  coach: string;
  seatClass: SeatClass;
  seats: { seat: string; free: boolean }[];
}
export interface Passenger {
  name: string;
  idNumber: string;
}
export interface OrderRequest {
  serviceId: string;
  from: string;
  to: string;
  seatClass: SeatClass;
  passengers: Passenger[];
  preferences?: { letters?: string[]; together?: boolean };
  /** 候补: if the ride is sold out, wait for a seat until this instant (before departure) instead of a 409. */
  waitlist?: { until: string };
}
/** As the API answers it, with its `status` (ACTIVE, REFUNDED, CHANGED). */
export type Ticket = ApiTicket;
export interface Order {
  orderId: string;
  status: string;
  serviceId: string;
  from: string;
  to: string;
  seatClass: SeatClass;
  seats: OrderSeat[];
  amount: number;
  currency: string;
  expiresAt: string;
  createdAt?: string;
  tickets?: Ticket[];
  /** A change (改签): the ticket this order replaces. */
  changeOf?: { orderId: string; ticketNo: string };
  /** A change to a cheaper or equal fare: the difference going back. */
  refund?: { amount: number };
  /** A waitlist request (候补): refunded in full if still WAITING at `until`. */
  waitlist?: { until: string };
}
export interface RefundAnswer {
  orderId: string;
  status: string;
  refunds: { ticketNo: string; fare: number; fee: number; amount: number }[];
}
export interface ChangeRequest {
  ticketNo: string;
  serviceId: string;
  seatClass: SeatClass;
}
export interface PublishRequest {
  trainNo: string;
  date: string;
  stops: { station: string; name: string; arrives?: string; departs?: string }[];
  coaches: { coach: string; seatClass: SeatClass; rows: number; letters: string[] }[];
  fares: Partial<Record<SeatClass, number>>;
}
export interface Readiness {
  status: string;
  checks: Record<string, string>;
}
export type QueueDepths = Record<string, { visible: number; inFlight: number }>;

/** An answer in application/problem+json: everything the API refuses. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail || title);
  }
}

/** The API did not answer at all (network down, server stopped). */
export class ApiUnreachable extends Error {
  override name = 'ApiUnreachable';
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  auth?: boolean;
  /** Statuses answered with a body that is not a problem (GET /readyz's 503). */
  accept?: number[];
}

export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | undefined,
    /** Told whenever the API answers or fails to: drives the "API down" banner. */
    private readonly onReachability: (reachable: boolean) => void = () => undefined,
  ) {}

  stations = () => this.get<{ stations: Station[] }>('/stations').then((r) => r.stations);
  search = (from: string, to: string, date: string) => this.get<{ services: ServiceSummary[] }>(`/services?${query({ from, to, date })}`).then((r) => r.services);
  seatMap = (serviceId: string, from: string, to: string, seatClass: SeatClass | undefined) =>
    this.get<{ coaches: SeatMapCoach[] }>(`/services/${encodeURIComponent(serviceId)}/seatmap?${query({ from, to, ...(seatClass ? { seatClass } : {}) })}`).then((r) => r.coaches);
  createOrder = (order: OrderRequest, idempotencyKey: string) => this.request<Order>('POST', '/orders', { body: order, auth: true, headers: { 'idempotency-key': idempotencyKey } });
  order = (orderId: string) => this.request<Order>('GET', `/orders/${encodeURIComponent(orderId)}`, { auth: true });
  orders = (cursor?: string, limit = 10) =>
    this.request<{ orders: Order[]; nextCursor?: string }>('GET', `/orders?${query({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`, { auth: true });
  /** 退票: the named tickets, or every ACTIVE one. */
  refund = (orderId: string, tickets: string[] | undefined, idempotencyKey: string) =>
    this.request<RefundAnswer>('POST', `/orders/${encodeURIComponent(orderId)}/refund`, { body: tickets ? { tickets } : {}, auth: true, headers: { 'idempotency-key': idempotencyKey } });
  /** 改签: answers the new order. */
  change = (orderId: string, change: ChangeRequest, idempotencyKey: string) =>
    this.request<Order>('POST', `/orders/${encodeURIComponent(orderId)}/change`, { body: change, auth: true, headers: { 'idempotency-key': idempotencyKey } });
  cancel = (orderId: string) => this.request<{ orderId: string; status: string }>('POST', `/orders/${encodeURIComponent(orderId)}/cancel`, { auth: true });
  publish = (service: PublishRequest) => this.request<{ serviceId: string; seats: number }>('POST', '/admin/services', { body: service, auth: true });
  healthz = () => this.get<{ status: string }>('/healthz');
  readyz = () => this.request<Readiness>('GET', '/readyz', { accept: [503] });

  // The local cloud's own endpoints.
  localToken = (sub: string, admin: boolean) => this.request<{ token: string }>('POST', '/_local/token', { body: { sub, admin } }).then((r) => r.token);
  localPay = (orderId: string) => this.request<{ orderId: string; status: string }>('POST', '/_local/pay', { body: { orderId } });
  localQueues = () => this.get<QueueDepths>('/_local/queues');
  localFaults = (faults: { ticketIssuer?: 'up' | 'down'; eventStream?: 'up' | 'down' }) => this.request<void>('POST', '/_local/faults', { body: faults });

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const token = options.auth ? this.token() : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    } catch (error) {
      this.onReachability(false);
      throw new ApiUnreachable(error instanceof Error ? error.message : String(error));
    }
    // A gateway in front of a stopped backend answers 502/504 without a problem body.
    this.onReachability(response.status !== 502 && response.status !== 504);
    const text = await response.text();
    const body: unknown = text ? parseJson(text) : undefined;
    if (response.ok || options.accept?.includes(response.status)) return body as T;
    throw toProblem(response.status, body);
  }
}

function toProblem(status: number, body: unknown): ApiProblem {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Record<'type' | 'title' | 'detail' | 'message', string>> & { errors?: { path: string; message: string }[] };
  // API Gateway's own 401 (a rejected JWT) is `{ "message": "Unauthorized" }`.
  return new ApiProblem(status, problem.type ?? `/problems/http-${status}`, problem.title ?? `HTTP ${status}`, problem.detail ?? problem.message ?? '', problem.errors ?? []);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

function query(parameters: Record<string, string>): string {
  return new URLSearchParams(parameters).toString();
}
