import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_TOLERANCE_SECONDS } from './constants';
import { PaymentSignatureError, PaymentSignatureMismatchError } from './errors';

/**
 * The payment provider signs each callback: header
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Several
 * `v1` entries may be present while the provider rotates its secret; any one
 * that matches passes. Unknown keys (a future `v2`) are ignored. The digest is
 * taken over the raw body bytes, so verify before parsing the JSON.
 */

export type RawBody = string | Buffer;

const digest = (secret: string, t: string, rawBody: RawBody): Buffer => createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();

export function signPayment(secret: string, rawBody: RawBody, t: number): string {
  return `t=${t},v1=${digest(secret, String(t), rawBody).toString('hex')}`;
}

/** Throws PaymentSignatureError (401) unless one `v1` matches and `t` is within `toleranceSeconds` of `nowSeconds`. */
export function verifyPaymentSignature(
  secret: string,
  header: string | undefined,
  rawBody: RawBody,
  nowSeconds: number,
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS,
): void {
  const { t, signatures } = parseSignatureHeader(header);
  const expected = digest(secret, t, rawBody);
  // Every candidate is compared, so the time taken does not tell which one matched.
  const matched = signatures.reduce((found, candidate) => sameDigest(expected, candidate) || found, false);
  if (!matched) throw new PaymentSignatureMismatchError('the payment signature does not match');
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) {
    throw new PaymentSignatureError(`the payment signature is dated ${t}, more than ${toleranceSeconds} s from now`);
  }
}

/** Where the signing secret comes from: kept after the first read, read again on request. */
export interface WebhookSecretSource {
  current(): Promise<string>;
  /** Reads the secret again if allowed now; true when it changed. */
  reread(): Promise<boolean>;
}

/**
 * verifyPaymentSignature with the secret we hold; when the signature is well
 * formed but does not match, once more with the secret read again, if it
 * changed. The provider may have rotated the secret since we read it: the new
 * one is picked up without waiting for a cold start.
 */
export async function verifyPaymentCallback(secrets: WebhookSecretSource, header: string | undefined, rawBody: RawBody, nowSeconds: number): Promise<void> {
  try {
    verifyPaymentSignature(await secrets.current(), header, rawBody, nowSeconds);
  } catch (error) {
    if (!(error instanceof PaymentSignatureMismatchError) || !(await secrets.reread())) throw error;
    verifyPaymentSignature(await secrets.current(), header, rawBody, nowSeconds);
  }
}

function parseSignatureHeader(header: string | undefined): { t: string; signatures: string[] } {
  if (header === undefined || header.trim() === '') throw new PaymentSignatureError('the payment signature header is missing');
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) throw new PaymentSignatureError('the payment signature header is malformed');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) throw new PaymentSignatureError('the payment signature header is malformed');
      t = value;
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]+$/.test(value)) throw new PaymentSignatureError('the payment signature header is malformed');
      signatures.push(value);
    }
  }
  if (t === undefined || signatures.length === 0) throw new PaymentSignatureError('the payment signature header is malformed');
  return { t, signatures };
}

function sameDigest(expected: Buffer, candidateHex: string): boolean {
  const candidate = Buffer.from(candidateHex, 'hex');
  // timingSafeEqual throws on unequal lengths; a wrong length is simply no match.
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
