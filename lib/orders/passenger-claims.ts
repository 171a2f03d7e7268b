import { createHmac } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ledgerKeys } from '../ledger/ledger-keys';
import type { LinkedWrite } from '../ledger/seat-ledger';
import { passengerClaimTtl, TTL_ATTRIBUTE } from '../lifecycle/ttl';
import { DuplicatePassengerError } from './errors';
import type { Order } from './order';
import { maskId, type PassengerData } from './passenger-data';

/** A paid claim never lapses. */
const NEVER = Number.MAX_SAFE_INTEGER;

/** The claim an order's payment needs was taken by another order after this one lapsed. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
}

/**
 * One active ticket or hold per passenger ID per service: a claim item in the
 * seat-ledger table, written in the same transaction as the seats. A claim lapses
 * with its hold, so an ID is free again the moment the hold expires, sweep or no sweep.
 *
 * Claims are keyed by HMAC-SHA256 of the ID number under a secret key (Secrets
 * Manager on AWS, a local dev key locally), so the ledger holds no ID number and
 * a leaked table cannot be reversed by hashing all possible IDs. The key never
 * changes: a claim is found again by it. Use cases await `data.ready()` (which
 * OrderStore's reads do) before `claim` or `keep`.
 */
export class PassengerClaims {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly ledgerTable: string,
    private readonly data: PassengerData,
  ) {}

  /**
   * Takes the ID for the order until `lapsesAt` (epoch ms); a live claim of another order refuses it.
   * The item expires (`ttl`) a day after `trainArrives`, the service's arrival at its last stop: a
   * paid claim is kept for good until then, and none of the service's tickets can change after it.
   */
  claim(serviceId: string, idNumber: string, orderId: string, lapsesAt: number, now: number, trainArrives: Date): LinkedWrite {
    return {
      item: {
        Put: {
          TableName: this.ledgerTable,
          Item: { ...this.key(serviceId, idNumber), orderId, lapsesAt, [TTL_ATTRIBUTE]: passengerClaimTtl(trainArrives) },
          ConditionExpression: 'attribute_not_exists(pk) OR lapsesAt <= :now',
          ExpressionAttributeValues: { ':now': now },
        },
      },
      onConditionFailed: () => new DuplicatePassengerError(`passenger ${maskId(idNumber)} already has a ticket or hold on ${serviceId}`),
    };
  }

  /** On payment: the order's claim stops lapsing; if another order took it meanwhile, the payment cannot keep the seat. */
  keep(order: Order, idNumber: string): LinkedWrite {
    return {
      item: {
        Update: {
          TableName: this.ledgerTable,
          Key: this.key(order.serviceId, idNumber),
          UpdateExpression: 'SET lapsesAt = :never',
          ConditionExpression: 'orderId = :order',
          ExpressionAttributeValues: { ':never': NEVER, ':order': order.orderId },
        },
      },
      onConditionFailed: () => new ClaimLostError(`passenger ${maskId(idNumber)} was booked by another order`),
    };
  }

  /** Gives back every claim of the order, in the caller's transaction; if another order took one, ClaimLostError. */
  releaseAll(order: Order): LinkedWrite[] {
    return this.releaseFor(order, order.passengers.map((p) => p.idNumber));
  }

  /** Gives back the claims of some of the order's passengers (refunded tickets), in the caller's transaction. */
  releaseFor(order: Order, idNumbers: readonly string[]): LinkedWrite[] {
    return idNumbers.map((idNumber) => ({
      item: { Delete: this.releaseOne(order, idNumber) },
      onConditionFailed: () => new ClaimLostError(`passenger ${maskId(idNumber)} was booked by another order`),
    }));
  }

  /** Loads the keys claims are found by; a use case whose store already awaited them need not. */
  ready(): Promise<void> {
    return this.data.ready();
  }

  /**
   * Gives back the order's claim on its service if it still has one (a claim
   * already expired is no matter), in the caller's transaction: a dearer change
   * to another train lets go of the old train once the new ticket is issued.
   */
  releaseIfHeld(order: Order, idNumber: string): LinkedWrite {
    return {
      item: { Delete: this.releaseOne(order, idNumber, { orGone: true }) },
      onConditionFailed: () => new ClaimLostError(`passenger ${maskId(idNumber)} is claimed on ${order.serviceId} by another order than ${order.orderId}`),
    };
  }

  /**
   * Hands an ID's claim on a service from one order to another (a change to another
   * class of the same train): the passenger keeps one claim there throughout.
   */
  transfer(serviceId: string, idNumber: string, fromOrderId: string, toOrderId: string): LinkedWrite {
    return {
      item: {
        Update: {
          TableName: this.ledgerTable,
          Key: this.key(serviceId, idNumber),
          UpdateExpression: 'SET orderId = :to',
          ConditionExpression: 'orderId = :from',
          ExpressionAttributeValues: { ':from': fromOrderId, ':to': toOrderId },
        },
      },
      onConditionFailed: () => new ClaimLostError(`passenger ${maskId(idNumber)} is not claimed by order ${fromOrderId} on ${serviceId}`),
    };
  }

  /** Gives back the claims the order still owns; ones another order has taken are left alone. */
  async release(order: Order): Promise<void> {
    await this.data.ready();
    await Promise.all(
      order.passengers.map(async ({ idNumber }) => {
        try {
          await this.db.send(new DeleteCommand(this.releaseOne(order, idNumber)));
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
  }

  /** The delete of the order's claim on the ID, conditional on the order holding it (`orGone`: or on there being none). */
  private releaseOne(order: Order, idNumber: string, { orGone = false } = {}) {
    return {
      TableName: this.ledgerTable,
      Key: this.key(order.serviceId, idNumber),
      ConditionExpression: orGone ? 'attribute_not_exists(pk) OR orderId = :order' : 'orderId = :order',
      ExpressionAttributeValues: { ':order': order.orderId },
    };
  }

  /** The claim's key: the ID number's keyed hash, never the number. */
  private key(serviceId: string, idNumber: string) {
    return ledgerKeys.passengerClaim(serviceId, createHmac('sha256', this.data.hashKey()).update(idNumber.toUpperCase()).digest('hex'));
  }
}
