import { departsAt } from '../timetable/departure';
import { classesOf, fareFor, type Ride, rideOf, type SeatClass, type Service, segmentMask } from '../timetable/service';
import type { Timetable } from '../timetable/timetable';
import type { OccupancySnapshots } from './occupancy-snapshots';
import type { ServiceOccupancy } from './service-occupancy';

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
  /** `departsAt`: the instant the train leaves the boarding stop (its `departs` on the right day: a stop past midnight of the service date is on the next). */
  from: { station: string; departs: string | undefined; departsAt: string };
  to: { station: string; arrives: string | undefined };
  classes: Partial<Record<SeatClass, ClassAvailability>>;
}

export interface SeatMap {
  coaches: { coach: string; seatClass: SeatClass; seats: { seat: string; free: boolean }[] }[];
}

/**
 * What travellers see before they buy: search, availability and the seat map,
 * all from the occupancy snapshot (one small Query per service, shared by a
 * container for under a second), so they may lag a hold or sale by a second or two.
 */
export class SeatAvailability {
  constructor(
    private readonly timetable: Timetable,
    private readonly snapshots: OccupancySnapshots,
    private readonly now: () => number = Date.now,
  ) {}

  /** Services on a date that stop at `from` before `to`, with what is free on that ride. */
  async search(from: string, to: string, date: string): Promise<ServiceSummary[]> {
    const services = await this.timetable.servicesOn(date);
    const rides = services.flatMap((service) => {
      const ride = rideOf(service, from, to);
      return ride ? [{ service, ride }] : [];
    });
    return Promise.all(
      rides.map(async ({ service, ride }) => ({
        serviceId: service.serviceId,
        trainNo: service.trainNo,
        date: service.date,
        from: { station: from, departs: service.stops[ride.fromIndex]?.departs, departsAt: new Date(departsAt(service, ride.fromIndex)).toISOString() },
        to: { station: to, arrives: service.stops[ride.toIndex]?.arrives },
        classes: this.classes(service, ride, await this.snapshots.current(service)),
      })),
    );
  }

  async availability(serviceId: string, from: string, to: string): Promise<Availability> {
    const service = await this.timetable.service(serviceId);
    const ride = this.timetable.ride(service, from, to);
    return { serviceId, from, to, classes: this.classes(service, ride, await this.snapshots.current(service)) };
  }

  async seatMap(serviceId: string, from: string, to: string, seatClass?: SeatClass): Promise<SeatMap> {
    const service = await this.timetable.service(serviceId);
    const ride = this.timetable.ride(service, from, to);
    const occupancy = await this.snapshots.current(service);
    return { coaches: occupancy.seatMap(seatClass, segmentMask(ride), this.now()) };
  }

  private classes(service: Service, ride: Ride, occupancy: ServiceOccupancy): Partial<Record<SeatClass, ClassAvailability>> {
    const mask = segmentMask(ride);
    const now = this.now();
    return Object.fromEntries(classesOf(service).map((seatClass) => [seatClass, { available: occupancy.freeSeats(seatClass, mask, now), fare: fareFor(service, seatClass, ride) ?? 0 }]));
  }
}
