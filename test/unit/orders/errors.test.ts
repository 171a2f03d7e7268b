import { DomainError } from '../../../lib/domain-error';
import {
  IdempotencyConflictError,
  InvalidStateError,
  OrderError,
  OrderNotFoundError,
  OrderVersionConflictError,
  PaymentMismatchError,
  PaymentSignatureError,
  TicketMismatchError,
} from '../../../lib/orders';

describe('Class: OrderError', () => {
  it.each([
    [InvalidStateError, 'InvalidStateError', 'invalid-state'],
    [PaymentMismatchError, 'PaymentMismatchError', 'payment-mismatch'],
    [PaymentSignatureError, 'PaymentSignatureError', 'unauthorized'],
    [OrderNotFoundError, 'OrderNotFoundError', 'not-found'],
    [OrderVersionConflictError, 'OrderVersionConflictError', 'conflict'],
    [IdempotencyConflictError, 'IdempotencyConflictError', 'idempotency-conflict'],
    [TicketMismatchError, 'TicketMismatchError', 'conflict'],
  ])('%p is a DomainError named %s with problem %s that keeps its cause', (ErrorClass, name, problem) => {
    // Prepare
    const cause = new Error('underlying');

    // Act
    const error = new ErrorClass('refused', { cause });

    // Assess
    expect(error).toBeInstanceOf(OrderError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name, problem, message: 'refused', cause });
  });
});
