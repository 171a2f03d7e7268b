import { Template } from 'aws-cdk-lib/assertions';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';

type FunctionResource = { Properties: { Environment?: { Variables?: Record<string, unknown> } } };

/** The per-user limits of every function that writes orders, by logical id prefix. */
function limitsOf(context: Record<string, unknown> = {}): Record<string, { unpaid: unknown; cancels: unknown }> {
  const { stack } = createTicketingApp({ bundle: false, validate: false, context });
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<string, FunctionResource>;
  return Object.fromEntries(
    Object.entries(functions)
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.ORDERS_TABLE_NAME !== undefined && fn.Properties.Environment.Variables.HOLD_TTL_SECONDS !== undefined)
      .map(([id, fn]) => [id, { unpaid: fn.Properties.Environment?.Variables?.MAX_UNPAID_ORDERS, cancels: fn.Properties.Environment?.Variables?.MAX_CANCELLATIONS_PER_DAY }]),
  );
}

describe('Per-user limits in the template', () => {
  it('gives every function that changes orders 2 unpaid orders and 3 cancellations a day by default', () => {
    // Act
    const limits = limitsOf();

    // Assess
    expect(Object.keys(limits).some((id) => id.includes('CreateOrderFunction'))).toBe(true);
    expect(Object.keys(limits).some((id) => id.includes('CancelOrderFunction'))).toBe(true);
    for (const value of Object.values(limits)) expect(value).toEqual({ unpaid: '2', cancels: '3' });
  });

  it('takes both from the context (-c maxUnpaidOrders=1 -c maxCancellationsPerDay=5)', () => {
    // Act
    const limits = limitsOf({ maxUnpaidOrders: '1', maxCancellationsPerDay: '5' });

    // Assess
    for (const value of Object.values(limits)) expect(value).toEqual({ unpaid: '1', cancels: '5' });
  });
});
