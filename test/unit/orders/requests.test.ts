import { createOrderHeadersSchema, createOrderSchema, idempotencyKeySchema, listOrdersQuerySchema, orderPathSchema, paymentCallbackSchema } from '../../../lib/orders';

/** The example body of shared/API.md. */
const apiExample = () => ({
  serviceId: 'G1_2026-12-01',
  from: 'VNP',
  to: 'AOH',
  seatClass: 'second',
  passengers: [{ name: 'Li Lei', idNumber: '110101199003070011' }],
  preferences: { letters: ['A', 'F'], together: true },
});

const passenger = (i: number) => ({ name: `P${i}`, idNumber: ['110101199003070011', '11010519491231002X', '440304199912311237', '310104200002290014', '320106199001010024', '110101198001010061'][i] });

const issuesOf = (input: unknown) => {
  const result = createOrderSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('Schema: createOrderSchema', () => {
  it('accepts the example of shared/API.md', () => {
    // Act
    const result = createOrderSchema.safeParse(apiExample());

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toEqual(apiExample());
  });

  it('accepts a body without preferences', () => {
    // Prepare
    const { preferences: _omitted, ...body } = apiExample();

    // Act & Assess
    expect(createOrderSchema.safeParse(body).success).toBe(true);
  });

  it('trims passenger names and upper-cases a lower-case x', () => {
    // Act
    const result = createOrderSchema.parse({ ...apiExample(), passengers: [{ name: '  Han Meimei ', idNumber: '11010519491231002x' }] });

    // Assess
    expect(result.passengers).toEqual([{ name: 'Han Meimei', idNumber: '11010519491231002X' }]);
  });

  it.each([1, 5])('accepts %i passengers', (count) => {
    // Act & Assess
    expect(createOrderSchema.safeParse({ ...apiExample(), passengers: Array.from({ length: count }, (_, i) => passenger(i)) }).success).toBe(true);
  });

  it.each([
    ['no passengers', { passengers: [] }, 'passengers'],
    ['six passengers', { passengers: Array.from({ length: 6 }, (_, i) => passenger(i)) }, 'passengers'],
    ['a blank name', { passengers: [{ name: '   ', idNumber: '110101199003070011' }] }, 'passengers.0.name'],
    ['a 65-character name', { passengers: [{ name: 'x'.repeat(65), idNumber: '110101199003070011' }] }, 'passengers.0.name'],
    ['a bad ID checksum', { passengers: [{ name: 'Li Lei', idNumber: '110101199003070012' }] }, 'passengers.0.idNumber'],
    ['a numeric ID', { passengers: [{ name: 'Li Lei', idNumber: 110101199003070011 }] }, 'passengers.0.idNumber'],
    ['an unknown passenger field', { passengers: [{ name: 'Li Lei', idNumber: '110101199003070011', age: 36 }] }, 'passengers.0'],
    ['from equal to to', { to: 'VNP' }, 'to'],
    ['a lower-case station', { from: 'vnp' }, 'from'],
    ['a bad service id', { serviceId: 'G1-2026-12-01' }, 'serviceId'],
    ['an unknown class', { seatClass: 'sleeper' }, 'seatClass'],
    ['an unknown preference', { preferences: { window: true } }, 'preferences'],
    ['an unknown top-level field', { price: 1 }, ''],
  ])('refuses %s', (_what, overrides, path) => {
    // Act
    const issues = issuesOf({ ...apiExample(), ...overrides });

    // Assess
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it('refuses the same ID number twice in one order, naming the second passenger', () => {
    // Prepare
    const passengers = [passenger(0), passenger(1), { name: 'Li Lei again', idNumber: '110101199003070011' }];

    // Act
    const issues = issuesOf({ ...apiExample(), passengers });

    // Assess
    expect(issues).toEqual([{ path: 'passengers.2.idNumber', message: 'the same ID number as passenger 1' }]);
  });

  it('refuses the same ID number written with x and X', () => {
    // Prepare
    const passengers = [
      { name: 'A', idNumber: '11010519491231002X' },
      { name: 'B', idNumber: '11010519491231002x' },
    ];

    // Act & Assess
    expect(issuesOf({ ...apiExample(), passengers }).map((i) => i.path)).toEqual(['passengers.1.idNumber']);
  });

  it('refuses a missing field', () => {
    // Prepare
    const { seatClass: _omitted, ...body } = apiExample();

    // Act & Assess
    expect(issuesOf(body).map((i) => i.path)).toEqual(['seatClass']);
  });
});

describe('Schema: idempotency key', () => {
  it.each([
    ['one character', 'k', true],
    ['64 characters', 'k'.repeat(64), true],
    ['a UUID', '3f1c1b9e-8a2d-4d7b-9a51-2c1f0e6f7a10', true],
    ['the empty string', '', false],
    ['65 characters', 'k'.repeat(65), false],
  ])('%s: accepted %s', (_what, key, accepted) => {
    // Act & Assess
    expect(idempotencyKeySchema.safeParse(key).success).toBe(accepted);
  });

  it('requires the header and keeps the others', () => {
    // Act
    const missing = createOrderHeadersSchema.safeParse({ 'content-type': 'application/json' });
    const present = createOrderHeadersSchema.safeParse({ 'idempotency-key': 'k1', 'content-type': 'application/json' });

    // Assess
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual(['idempotency-key']);
    expect(present.data).toEqual({ 'idempotency-key': 'k1', 'content-type': 'application/json' });
  });
});

describe('Schema: paymentCallbackSchema', () => {
  const callback = () => ({ paymentId: 'pay-1', orderId: 'ord-1', amount: 55300, currency: 'CNY', status: 'SUCCEEDED' });

  it('accepts the callback of shared/API.md and drops fields it does not know', () => {
    // Act
    const result = paymentCallbackSchema.safeParse({ ...callback(), provider: 'x' });

    // Assess
    expect(result.data).toEqual(callback());
  });

  it.each([
    ['a FAILED status', { status: 'FAILED' }],
    ['a zero amount', { amount: 0 }],
    ['another currency (left to the mismatch check)', { currency: 'USD' }],
    ['a 128-character payment id', { paymentId: 'p'.repeat(128) }],
  ])('accepts %s', (_what, overrides) => {
    // Act & Assess
    expect(paymentCallbackSchema.safeParse({ ...callback(), ...overrides }).success).toBe(true);
  });

  it.each([
    ['an empty payment id', { paymentId: '' }],
    ['a 129-character payment id', { paymentId: 'p'.repeat(129) }],
    ['a negative amount', { amount: -1 }],
    ['a fractional amount', { amount: 553.5 }],
    ['an amount as a string', { amount: '55300' }],
    ['an unknown status', { status: 'PENDING' }],
    ['no currency', { currency: undefined }],
    ['a malformed order id', { orderId: 'ord 1' }],
  ])('refuses %s', (_what, overrides) => {
    // Act & Assess
    expect(paymentCallbackSchema.safeParse({ ...callback(), ...overrides }).success).toBe(false);
  });
});

describe('Schema: orderPathSchema and listOrdersQuerySchema', () => {
  it('reads an order id from the path', () => {
    // Act & Assess
    expect(orderPathSchema.parse({ orderId: '01JD5K8W3Z' })).toEqual({ orderId: '01JD5K8W3Z' });
    expect(orderPathSchema.safeParse({ orderId: '../x' }).success).toBe(false);
  });

  it.each([
    [{}, { limit: 20 }],
    [{ limit: '5', cursor: 'abc' }, { limit: 5, cursor: 'abc' }],
  ])('reads the list query %p', (query, parsed) => {
    // Act & Assess
    expect(listOrdersQuerySchema.parse(query)).toEqual(parsed);
  });

  it.each(['0', '101', 'ten', '2.5'])('refuses the limit %s', (limit) => {
    // Act & Assess
    expect(listOrdersQuerySchema.safeParse({ limit }).success).toBe(false);
  });
});
