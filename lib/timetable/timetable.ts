import { InvalidRequestError } from '../domain-error';
import { isPastDate, railwayDate } from './departure';
import { ServiceNotFoundError } from './errors';
import { fingerprint, type PublishServiceRequest, type Ride, rideOf, type SeatClass, seatCount, type Service, toService } from './service';
import type { TimetableStore } from './timetable-store';

export interface TimetableOptions {
  now?: () => number;
  /** How long this container answers "which services run on a date" from one read. @default 1000 */
  dayCacheMs?: number;
}

/**
 * The timetable's use cases: publish a service, find services, resolve a ride.
 * A published service never changes, so each container reads its definition once.
 */
export class Timetable {
  private readonly now: () => number;
  private readonly dayCacheMs: number;
  private readonly services = new Map<string, Service>();
  private readonly days = new Map<string, { readAt: number; services: Promise<Service[]> }>();

  constructor(
    private readonly store: TimetableStore,
    options: TimetableOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.dayCacheMs = options.dayCacheMs ?? 1000;
  }

  /** Opens a service for sale; the identical service again is a no-op, a different one under its id a conflict. */
  async publish(request: PublishServiceRequest): Promise<{ serviceId: string; seats: number; created: boolean }> {
    if (isPastDate(request.date, this.now())) {
      const message = `${request.date} is before today (${railwayDate(this.now())}, railway local time)`;
      throw new InvalidRequestError(message, { errors: [{ path: 'date', message }] });
    }
    const service = toService(request);
    const outcome = await this.store.publish(service, fingerprint(request));
    return { serviceId: service.serviceId, seats: seatCount(service), created: outcome === 'created' };
  }

  /** An open service, or ServiceNotFoundError. */
  async service(serviceId: string): Promise<Service> {
    const known = this.services.get(serviceId);
    if (known) return known;
    const service = await this.store.getService(serviceId);
    if (!service) throw new ServiceNotFoundError(`no service ${serviceId}`);
    return this.remember(service);
  }

  /** Open services departing on a date, by train number. */
  async servicesOn(date: string): Promise<Service[]> {
    const now = this.now();
    const cached = this.days.get(date);
    if (cached && now - cached.readAt < this.dayCacheMs && now >= cached.readAt) return cached.services;
    const entry = { readAt: now, services: this.store.servicesOn(date).then((services) => services.map((s) => this.remember(s))) };
    this.days.set(date, entry);
    entry.services.catch(() => {
      if (this.days.get(date) === entry) this.days.delete(date);
    });
    return entry.services;
  }

  /** The ride between two stations of a service, or InvalidRequestError naming what is wrong. */
  ride(service: Service, from: string, to: string): Ride {
    const ride = rideOf(service, from, to);
    if (ride) return ride;
    const stations = service.stops.map((s) => s.station);
    const errors = [
      ...(stations.includes(from) ? [] : [{ path: 'from', message: `${from} is not a stop of ${service.serviceId}` }]),
      ...(stations.includes(to) ? [] : [{ path: 'to', message: `${to} is not a stop of ${service.serviceId}` }]),
    ];
    if (errors.length === 0) errors.push({ path: 'to', message: `${from} does not come before ${to} on ${service.serviceId}` });
    throw new InvalidRequestError(errors.map((e) => e.message).join('; '), { errors });
  }

  /** The service a request names; one that is not published is the request's fault (400, naming `serviceId`). */
  async requestedService(serviceId: string): Promise<Service> {
    return this.service(serviceId).catch((error: unknown) => {
      if (error instanceof ServiceNotFoundError) throw new InvalidRequestError(error.message, { errors: [{ path: 'serviceId', message: error.message }] });
      throw error;
    });
  }

  /** Refuses a seat class the service has no coach of (400, naming `seatClass`). */
  requireClass(service: Service, seatClass: SeatClass): void {
    if (service.coaches.some((c) => c.seatClass === seatClass)) return;
    throw new InvalidRequestError(`${service.serviceId} has no ${seatClass} seats`, { errors: [{ path: 'seatClass', message: `no ${seatClass} seats on this service` }] });
  }

  /** One object per service and container: what is derived from a definition (its seat layout) is derived once. */
  private remember(service: Service): Service {
    const known = this.services.get(service.serviceId);
    if (known) return known;
    this.services.set(service.serviceId, service);
    return service;
  }
}
