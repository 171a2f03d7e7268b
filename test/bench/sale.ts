import { randomUUID } from 'node:crypto';
import type { PublishServiceRequest } from '../../lib/timetable/service';
import { residentId } from '../helpers/resident-ids';

/**
 * What the local-cloud benches sell: a train of `coaches` second-class coaches of
 * 100 seats (20 rows × A B C D F) over ten stops, and buyers who order over HTTP.
 */
export const TEN_STOPS = ['VNP', 'TXP', 'CXP', 'DZP', 'JGK', 'TAK', 'XZH', 'BBH', 'NKH', 'AOH'] as const;

export function saleTrain(trainNo: string, date: string, coaches: number): PublishServiceRequest {
  return {
    trainNo,
    date,
    stops: TEN_STOPS.map((station, i) => ({
      station,
      name: `Station ${station}`,
      ...(i > 0 ? { arrives: clock(8 * 60 + i * 40) } : {}),
      ...(i < TEN_STOPS.length - 1 ? { departs: clock(8 * 60 + i * 40 + 2) } : {}),
    })),
    coaches: Array.from({ length: coaches }, (_, i) => ({ coach: String(i + 1).padStart(2, '0'), seatClass: 'second' as const, rows: 20, letters: ['A', 'B', 'C', 'D', 'F'] })),
    fares: { second: 60000 },
  };
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A ride [from, to) drawn uniformly from every pair of stops. */
export function randomRide(): { from: number; to: number } {
  const pairs = (TEN_STOPS.length * (TEN_STOPS.length - 1)) / 2;
  let pick = Math.floor(Math.random() * pairs);
  for (let from = 0; ; from++) {
    const rides = TEN_STOPS.length - 1 - from;
    if (pick < rides) return { from, to: from + 1 + pick };
    pick -= rides;
  }
}

export interface OrderOutcome {
  status: number;
  /** The problem type's last part for a refusal (`sold-out`), else undefined. */
  problem?: string;
  orderId?: string;
  amount?: number;
  seats: Array<{ coach: string; seat: string }>;
  from: number;
  to: number;
}

/** Gives each passenger of a run a distinct valid resident ID (distinct below 7,000: see residentId). */
export class PassengerIds {
  private next: number;

  constructor(first = 0) {
    this.next = first;
  }

  take(): string {
    return residentId(this.next++);
  }
}

/** POST /orders for `passengers` travellers over a ride, as the user whose token is given. */
export async function placeOrder(url: string, token: string, serviceId: string, ride: { from: number; to: number }, passengers: string[]): Promise<OrderOutcome> {
  const response = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      serviceId,
      from: TEN_STOPS[ride.from],
      to: TEN_STOPS[ride.to],
      seatClass: 'second',
      passengers: passengers.map((idNumber, i) => ({ name: `Passenger ${i + 1}`, idNumber })),
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { orderId?: string; amount?: number; seats?: Array<{ coach: string; seat: string }>; type?: string };
  return {
    status: response.status,
    ...(body.type ? { problem: body.type.split('/').at(-1) } : {}),
    ...(body.orderId ? { orderId: body.orderId } : {}),
    ...(body.amount !== undefined ? { amount: body.amount } : {}),
    seats: response.status === 201 ? (body.seats ?? []) : [],
    ...ride,
  };
}
