import { InvalidRequestError } from '../domain-error';
import { fareFor, type Ride, type SeatClass, type Service } from '../timetable/service';

/**
 * What an order costs, in integer fen: the class fare pro rata over the ride
 * (`fareFor`, rounded per ticket), times the number of passengers. A class the
 * service does not sell is the client's mistake (400 validation).
 */
export function orderAmount(service: Pick<Service, 'serviceId' | 'stops' | 'fares'>, seatClass: SeatClass, ride: Ride, passengers: number): number {
  if (!Number.isSafeInteger(passengers) || passengers < 1) throw new RangeError(`an order has at least one passenger, not ${passengers}`);
  const fare = fareFor(service, seatClass, ride);
  if (fare === undefined) {
    throw new InvalidRequestError(`${service.serviceId} has no ${seatClass} fare`, { errors: [{ path: 'seatClass', message: `no ${seatClass} seats on this service` }] });
  }
  return fare * passengers;
}
