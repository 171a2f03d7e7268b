import { InvalidRequestError } from '../domain-error';
import type { SeatLedger } from '../ledger/seat-ledger';
import { isFreeOver } from '../ledger/occupancy';
import { ServiceNotFoundError } from './errors';
import {
  classesOf,
  fareFor,
  fingerprint,
  type PublishServiceRequest,
  type Ride,
  rideOf,
  type SeatClass,
  seatCount,
  segmentMask,
  type Service,
  toService,
} from './service';
import type { TimetableStore } from './timetable-store';

export interface ClassAvailability {
  available: number;
  fare: number;
}

export interface Availability {
  serviceId: string;
  from: string;
  to: string;
  classes: Partial<Record<SeatClass, ClassAvailability>>;
}

export interface ServiceSummary {
  serviceId: string;
  trainNo: string;
  date: string;
  from: { station: string; departs: string | undefined };
  to: { station: string; arrives: string | undefined };
  classes: Partial<Record<SeatClass, ClassAvailability>>;
}

export interface SeatMap {
  coaches: { coach: string; seatClass: SeatClass; seats: { seat: string; free: boolean }[] }[];
}

/** The timetable's use cases: publish a service, find services, count and map free seats. */
export class Timetable {
  constructor(
    private readonly store: TimetableStore,
    private readonly ledger: SeatLedger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * 1. Claim the service id (a conflicting definition or a live publisher → conflict).
   * 2. Write its empty seats, unless an identical service is already open.
   * 3. Open it for sale.
   */
  async publish(request: PublishServiceRequest): Promise<{ serviceId: string; seats: number; created: boolean }> {
    const service = toService(request);
    const digest = fingerprint(request);
    const start = await this.store.beginPublish(service, digest, this.now());
    if (start === 'already-published') return { serviceId: service.serviceId, seats: seatCount(service), created: false };
    await this.ledger.writeSeats(service);
    await this.store.markOpen(service.serviceId, digest);
    return { serviceId: service.serviceId, seats: seatCount(service), created: true };
  }

  /** Services on a date that stop at `from` before `to`, with what is free on that ride. */
  async search(from: string, to: string, date: string): Promise<ServiceSummary[]> {
    const services = await this.store.servicesOn(date);
    const rides = services.flatMap((service) => {
      const ride = rideOf(service, from, to);
      return ride ? [{ service, ride }] : [];
    });
    return Promise.all(
      rides.map(async ({ service, ride }) => ({
        serviceId: service.serviceId,
        trainNo: service.trainNo,
        date: service.date,
        from: { station: from, departs: service.stops[ride.fromIndex]?.departs },
        to: { station: to, arrives: service.stops[ride.toIndex]?.arrives },
        classes: await this.classAvailability(service, ride),
      })),
    );
  }

  async availability(serviceId: string, from: string, to: string): Promise<Availability> {
    const service = await this.service(serviceId);
    return { serviceId, from, to, classes: await this.classAvailability(service, this.ride(service, from, to)) };
  }

  async seatMap(serviceId: string, from: string, to: string, seatClass?: SeatClass): Promise<SeatMap> {
    const service = await this.service(serviceId);
    const mask = segmentMask(this.ride(service, from, to));
    const seats = await this.ledger.readSeats(service, seatClass);
    const now = this.now();
    return {
      coaches: service.coaches
        .filter((c) => seatClass === undefined || c.seatClass === seatClass)
        .map((c) => ({
          coach: c.coach,
          seatClass: c.seatClass,
          seats: seats.filter((s) => s.coach === c.coach).map((s) => ({ seat: s.seat, free: isFreeOver(s.segments, mask, now) })),
        })),
    };
  }

  /** An open service, or ServiceNotFoundError. */
  async service(serviceId: string): Promise<Service> {
    const service = await this.store.getService(serviceId);
    if (!service) throw new ServiceNotFoundError(`no service ${serviceId}`);
    return service;
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

  /** One read of the service's seats, counted per class. */
  /** Refuses a seat class the service has no coach of (400, naming `seatClass`). */
  requireClass(service: Service, seatClass: SeatClass): void {
    if (service.coaches.some((c) => c.seatClass === seatClass)) return;
    throw new InvalidRequestError(`${service.serviceId} has no ${seatClass} seats`, { errors: [{ path: 'seatClass', message: `no ${seatClass} seats on this service` }] });
  }

  private async classAvailability(service: Service, ride: Ride): Promise<Partial<Record<SeatClass, ClassAvailability>>> {
    const seats = await this.ledger.readSeats(service);
    const mask = segmentMask(ride);
    const now = this.now();
    return Object.fromEntries(
      classesOf(service).map((seatClass) => {
        const available = seats.filter((s) => s.seatClass === seatClass && isFreeOver(s.segments, mask, now)).length;
        return [seatClass, { available, fare: fareFor(service, seatClass, ride) ?? 0 }];
      }),
    );
  }
}
