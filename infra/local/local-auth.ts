import { randomUUID } from 'node:crypto';
import { generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ADMIN_GROUP } from '../cdk/identity';

/**
 * The local stand-in for Cognito: a signing key (kept under DATA_DIR, local-keys.ts), tokens shaped like
 * Cognito access tokens, and the checks the API Gateway JWT authorizer makes
 * (signature, issuer, client, expiry).
 */
export const LOCAL_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_local';
export const LOCAL_CLIENT_ID = 'local-web-client';
const ALGORITHM = 'ES256';
const TOKEN_LIFETIME = '12h';

export const tokenRequestSchema = z.strictObject({
  sub: z.string().min(1).max(128),
  admin: z.boolean().optional(),
});

export type TokenRequest = z.infer<typeof tokenRequestSchema>;

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export class LocalAuth {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
  ) {}

  /** With a kept signing key (a private JWK), tokens issued before a restart still verify; without, a new key. */
  static async create(signingKey?: JWK): Promise<LocalAuth> {
    if (signingKey === undefined) {
      const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
      return new LocalAuth(privateKey, publicKey);
    }
    const { d: _private, ...publicJwk } = signingKey;
    return new LocalAuth((await importJWK(signingKey, ALGORITHM)) as CryptoKey, (await importJWK(publicJwk, ALGORITHM)) as CryptoKey);
  }

  issue({ sub, admin }: TokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      ...(admin ? { 'cognito:groups': [ADMIN_GROUP] } : {}),
      client_id: LOCAL_CLIENT_ID,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      username: sub,
      version: 2,
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: 'local' })
      .setSubject(sub)
      .setIssuer(LOCAL_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(TOKEN_LIFETIME)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** The claims of a valid token; InvalidTokenError says why a token is not. */
  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, algorithms: [ALGORITHM] });
      if (payload.client_id !== LOCAL_CLIENT_ID) throw new InvalidTokenError('the token was issued for another client');
      return payload;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  static isAdmin(claims: JWTPayload): boolean {
    const groups = claims['cognito:groups'];
    return Array.isArray(groups) && groups.includes(ADMIN_GROUP);
  }
}
