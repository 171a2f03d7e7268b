import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Passengers' resident ID numbers at rest: envelope encryption with a data key
 * that a key source makes (KMS GenerateDataKey on AWS, a local dev key in the
 * local cloud) and that this object reuses for a bounded time and number of
 * seals, so an order costs no KMS call. Each ID is sealed with AES-256-GCM under
 * the data key, bound to its order and position (the additional authenticated
 * data), and stored beside the data key's wrapped form; opening a stored ID
 * unwraps that key once per execution environment (KMS Decrypt), then from cache.
 *
 * The same source gives the key of the keyed hash (HMAC-SHA256) that passenger
 * claims are stored under (passenger-claims.ts), so no table key holds an ID.
 */
export interface DataKey {
  /** The wrapped key as stored beside each ciphertext (base64 of the KMS ciphertext blob, or a local key's name). */
  wrapped: string;
  plaintext: Buffer;
}

export interface PassengerKeySource {
  /** A fresh data key (AES-256). */
  generate(): Promise<DataKey>;
  /** The plaintext of a data key stored wrapped. */
  unwrap(wrapped: string): Promise<Buffer>;
  /** The claim hash's key: it never changes, since claims are found by it. Absent where nothing claims. */
  hashKey?: () => Promise<Buffer>;
}

/** An ID number as stored: its data key, wrapped, and base64(iv ‖ tag ‖ ciphertext). */
export interface SealedId {
  key: string;
  data: string;
}

export interface PassengerDataOptions {
  /** A data key is replaced after this long… @default 15 minutes */
  maxKeyAgeMs?: number;
  /** …or after this many seals, whichever comes first (checked at each `ready`). @default 10 000 */
  maxKeyUses?: number;
  /** Unwrapped data keys kept per execution environment. @default 256 */
  cachedKeys?: number;
  now?: () => number;
}

/** A sync method was called before `ready()` resolved: a use case forgot to await it. */
export class PassengerDataNotReadyError extends Error {
  override readonly name = 'PassengerDataNotReadyError';
}

/** A stored ID that does not open with its key and context: tampered with, or moved to another order. */
export class SealedIdError extends Error {
  override readonly name = 'SealedIdError';
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PassengerData {
  private readonly maxKeyAgeMs: number;
  private readonly maxKeyUses: number;
  private readonly cachedKeys: number;
  private readonly now: () => number;
  private current: { key: DataKey; since: number; uses: number } | undefined;
  private hash: Buffer | undefined;
  private loading: Promise<void> | undefined;
  private readonly unwrapped = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly source: PassengerKeySource,
    options: PassengerDataOptions = {},
  ) {
    this.maxKeyAgeMs = options.maxKeyAgeMs ?? 15 * 60_000;
    this.maxKeyUses = options.maxKeyUses ?? 10_000;
    this.cachedKeys = options.cachedKeys ?? 256;
    this.now = options.now ?? Date.now;
  }

  /**
   * Loads the hash key (once) and a data key (when there is none, or the one in
   * use is past its age or uses). Cheap when both are fresh; every use case
   * awaits it before it hashes or seals. A failed load is not kept.
   */
  ready(): Promise<void> {
    if ((this.hash || !this.source.hashKey) && this.current && !this.stale(this.current)) return Promise.resolve();
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The claim hash's key. */
  hashKey(): Buffer {
    if (!this.source.hashKey) throw new PassengerDataNotReadyError('this environment has no claim hash key');
    if (!this.hash) throw new PassengerDataNotReadyError('passenger data keys are not loaded: await ready() first');
    return this.hash;
  }

  /** Seals an ID number for the order's passenger at `position`, under the data key in use. */
  seal(idNumber: string, context: string): SealedId {
    if (!this.current) throw new PassengerDataNotReadyError('passenger data keys are not loaded: await ready() first');
    this.current.uses++;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key.plaintext, iv, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(idNumber, 'utf8'), cipher.final()]);
    return { key: this.current.key.wrapped, data: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
  }

  /** The ID number a SealedId holds; its data key is unwrapped once and cached. */
  async open(sealed: SealedId, context: string): Promise<string> {
    const key = await this.keyFor(sealed.key);
    const bytes = Buffer.from(sealed.data, 'base64');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
        .setAAD(Buffer.from(context, 'utf8'))
        .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new SealedIdError(`a stored ID number does not open for ${context}`, { cause });
    }
  }

  private stale(current: { since: number; uses: number }): boolean {
    return this.now() - current.since >= this.maxKeyAgeMs || current.uses >= this.maxKeyUses;
  }

  private async load(): Promise<void> {
    if (this.source.hashKey) this.hash ??= await this.source.hashKey();
    if (!this.current || this.stale(this.current)) {
      const key = await this.source.generate();
      this.current = { key, since: this.now(), uses: 0 };
      this.remember(key.wrapped, Promise.resolve(key.plaintext));
    }
  }

  private keyFor(wrapped: string): Promise<Buffer> {
    const cached = this.unwrapped.get(wrapped);
    if (cached) return cached;
    const unwrapping = this.source.unwrap(wrapped);
    this.remember(wrapped, unwrapping);
    unwrapping.catch(() => this.unwrapped.delete(wrapped));
    return unwrapping;
  }

  /** Least recently added out first: a bounded cache of unwrapped keys. */
  private remember(wrapped: string, key: Promise<Buffer>): void {
    this.unwrapped.set(wrapped, key);
    while (this.unwrapped.size > this.cachedKeys) {
      const oldest = this.unwrapped.keys().next().value;
      if (oldest === undefined) break;
      this.unwrapped.delete(oldest);
    }
  }
}

/** `110101********0011`: what a ticket, a log line or an error may show of an ID number. */
export const maskId = (idNumber: string): string => `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;
