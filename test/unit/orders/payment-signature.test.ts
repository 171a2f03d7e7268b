import { createHmac } from 'node:crypto';
import { PaymentSignatureError, PaymentSignatureMismatchError, signPayment, verifyPaymentCallback, verifyPaymentSignature, type WebhookSecretSource } from '../../../lib/orders';

const SECRET = 'whsec_test_secret';
const NOW = 1_790_000_000;
const BODY = JSON.stringify({ paymentId: 'pay-1', orderId: 'ord-1', amount: 55300, currency: 'CNY', status: 'SUCCEEDED' });

/** The contract of shared/API.md, computed here without the code under test. */
const hmac = (secret: string, t: number | string, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

describe('Function: signPayment', () => {
  it('writes t and the hex HMAC-SHA256 of "<t>.<raw body>"', () => {
    // Act
    const header = signPayment(SECRET, BODY, NOW);

    // Assess
    expect(header).toBe(`t=${NOW},v1=${hmac(SECRET, NOW, BODY)}`);
  });

  it('signs a Buffer body as its bytes', () => {
    // Act & Assess
    expect(signPayment(SECRET, Buffer.from(BODY, 'utf8'), NOW)).toBe(signPayment(SECRET, BODY, NOW));
  });
});

describe('Function: verifyPaymentSignature', () => {
  const verify = (header: string | undefined, options: { body?: string | Buffer; now?: number; secret?: string } = {}) => () =>
    verifyPaymentSignature(options.secret ?? SECRET, header, options.body ?? BODY, options.now ?? NOW);

  it('accepts a fresh signature of the raw body', () => {
    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, NOW))).not.toThrow();
  });

  it('accepts the raw body as a Buffer', () => {
    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, NOW), { body: Buffer.from(BODY) })).not.toThrow();
  });

  it('accepts a header with spaces after the commas and upper-case hex', () => {
    // Act & Assess
    expect(verify(`t=${NOW}, v1=${hmac(SECRET, NOW, BODY).toUpperCase()}`)).not.toThrow();
  });

  it.each([
    ['300 s old', NOW - 300],
    ['300 s ahead', NOW + 300],
  ])('accepts a signature %s', (_what, t) => {
    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, t))).not.toThrow();
  });

  it.each([
    ['301 s old', NOW - 301],
    ['301 s ahead', NOW + 301],
    ['a day old', NOW - 86_400],
  ])('refuses a signature %s', (_what, t) => {
    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, t))).toThrow(/more than 300 s from now/);
  });

  it('honours another tolerance', () => {
    // Act
    const act = () => verifyPaymentSignature(SECRET, signPayment(SECRET, BODY, NOW - 61), BODY, NOW, 60);

    // Assess
    expect(act).toThrow(PaymentSignatureError);
  });

  it('refuses a tampered body', () => {
    // Prepare
    const tampered = BODY.replace('55300', '1');

    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, NOW), { body: tampered })).toThrow('the payment signature does not match');
  });

  it('refuses a body that differs only in whitespace (the signature covers the raw bytes)', () => {
    // Act & Assess
    expect(verify(signPayment(SECRET, BODY, NOW), { body: `${BODY}\n` })).toThrow(PaymentSignatureError);
  });

  it('refuses a signature made with another secret', () => {
    // Act & Assess
    expect(verify(signPayment('another secret', BODY, NOW))).toThrow('the payment signature does not match');
  });

  it('refuses a t changed after signing', () => {
    // Prepare
    const signature = hmac(SECRET, NOW, BODY);

    // Act & Assess
    expect(verify(`t=${NOW + 1},v1=${signature}`)).toThrow('the payment signature does not match');
  });

  it.each([
    ['a missing header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['no t', `v1=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['no v1', `t=${NOW}`, 'malformed'],
    ['only a v0', `t=${NOW},v0=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['a non-numeric t', `t=soon,v1=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['a negative t', `t=-${NOW},v1=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['a fractional t', `t=${NOW}.5,v1=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['two t', `t=${NOW},t=${NOW},v1=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['a part without =', `t=${NOW},${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['an empty key', `t=${NOW},=${hmac(SECRET, NOW, BODY)}`, 'malformed'],
    ['a v1 that is not hex', `t=${NOW},v1=${'z'.repeat(64)}`, 'malformed'],
    ['an empty v1', `t=${NOW},v1=`, 'malformed'],
    ['a trailing comma', `t=${NOW},v1=${hmac(SECRET, NOW, BODY)},`, 'malformed'],
  ])('refuses %s', (_what, header, reason) => {
    // Act
    const act = verify(header);

    // Assess
    expect(act).toThrow(PaymentSignatureError);
    expect(act).toThrow(reason);
  });

  it.each([
    ['a truncated v1', hmac(SECRET, NOW, BODY).slice(0, 62)],
    ['an odd-length v1', hmac(SECRET, NOW, BODY).slice(0, 63)],
    ['a v1 with an extra byte', `${hmac(SECRET, NOW, BODY)}00`],
  ])('refuses %s as a mismatch without throwing anything else', (_what, v1) => {
    // Act & Assess
    expect(verify(`t=${NOW},v1=${v1}`)).toThrow('the payment signature does not match');
  });

  it.each([
    ['the first', (good: string, bad: string) => `t=${NOW},v1=${good},v1=${bad}`],
    ['the last', (good: string, bad: string) => `t=${NOW},v1=${bad},v1=${good}`],
    ['after a v0 and a short v1', (good: string) => `t=${NOW},v0=abc,v1=ab,v1=${good}`],
  ])('accepts several v1 entries when %s matches (secret rotation)', (_where, header) => {
    // Prepare
    const good = hmac(SECRET, NOW, BODY);
    const bad = hmac('old secret', NOW, BODY);

    // Act & Assess
    expect(verify(header(good, bad))).not.toThrow();
  });

  it('refuses several v1 entries when none matches', () => {
    // Act & Assess
    expect(verify(`t=${NOW},v1=${hmac('old', NOW, BODY)},v1=${hmac('older', NOW, BODY)}`)).toThrow(PaymentSignatureError);
  });

  it('answers 401 unauthorized', () => {
    // Act
    const act = verify(undefined);

    // Assess
    expect(act).toThrow(expect.objectContaining({ problem: 'unauthorized', name: 'PaymentSignatureError' }));
  });
});

describe('Function: verifyPaymentCallback', () => {
  const ROTATED = 'whsec_rotated_secret';

  /** Holds `held` until a reread, which finds `stored` if it is allowed. */
  function secrets(held: string, stored: string, options: { rereadAllowed?: boolean } = {}) {
    let current = held;
    const source: WebhookSecretSource & { rereads: number } = {
      rereads: 0,
      current: () => Promise.resolve(current),
      reread: () => {
        source.rereads += 1;
        if (options.rereadAllowed === false || stored === current) return Promise.resolve(false);
        current = stored;
        return Promise.resolve(true);
      },
    };
    return source;
  }

  it('accepts a signature of the held secret without reading it again', async () => {
    // Prepare
    const source = secrets(SECRET, ROTATED);

    // Act
    await verifyPaymentCallback(source, signPayment(SECRET, BODY, NOW), BODY, NOW);

    // Assess
    expect(source.rereads).toBe(0);
  });

  it('accepts a signature of a secret rotated since it was read, after reading it again', async () => {
    // Prepare
    const source = secrets(SECRET, ROTATED);

    // Act
    await verifyPaymentCallback(source, signPayment(ROTATED, BODY, NOW), BODY, NOW);

    // Assess
    expect(source.rereads).toBe(1);
  });

  it('refuses a signature that matches neither the held nor the stored secret', async () => {
    // Act & Assess
    await expect(verifyPaymentCallback(secrets(SECRET, SECRET), signPayment('whsec_forged', BODY, NOW), BODY, NOW)).rejects.toThrow(PaymentSignatureMismatchError);
    await expect(verifyPaymentCallback(secrets(SECRET, ROTATED), signPayment('whsec_forged', BODY, NOW), BODY, NOW)).rejects.toThrow(PaymentSignatureMismatchError);
  });

  it('refuses a signature of the rotated secret while a reread is not allowed yet', async () => {
    // Act & Assess
    await expect(verifyPaymentCallback(secrets(SECRET, ROTATED, { rereadAllowed: false }), signPayment(ROTATED, BODY, NOW), BODY, NOW)).rejects.toThrow(PaymentSignatureMismatchError);
  });

  it.each([
    ['a missing header', undefined],
    ['a malformed header', 'v1=abc'],
    ['a stale timestamp', signPayment(SECRET, BODY, NOW - 301)],
  ])('refuses %s without reading the secret again', async (_case, header) => {
    // Prepare
    const source = secrets(SECRET, ROTATED);

    // Act & Assess
    await expect(verifyPaymentCallback(source, header, BODY, NOW)).rejects.toThrow(PaymentSignatureError);
    expect(source.rereads).toBe(0);
  });
});
