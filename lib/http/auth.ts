import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from './errors';

/**
 * - public: anyone; the caller is known when a token came along.
 * - user / admin: a JWT verified by the API Gateway authorizer (admin: in the admin group).
 * - internal: IAM-signed on AWS, or an admin JWT (the local cloud has no SigV4).
 */
export type AuthMode = 'public' | 'user' | 'admin' | 'internal';

export interface Caller {
  /** The JWT `sub`, or the IAM principal's ARN. */
  userId: string;
  isAdmin: boolean;
  via: 'jwt' | 'iam';
}

/** Every mode but public guarantees a caller. */
export type CallerFor<A extends AuthMode> = A extends 'public' ? Caller | undefined : Caller;

export const ADMIN_GROUP = 'admin';

/**
 * Groups as API Gateway hands them over: it flattens a JWT array claim to a
 * string like `[admin other]`; a real array (or a JSON-looking string) is accepted too.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(/[\s,]+/)
    .map((group) => group.replace(/^"|"$/g, ''))
    .filter((group) => group.length > 0);
}

function authorizerOf(event: APIGatewayProxyEventV2): Record<string, unknown> | undefined {
  const { authorizer } = event.requestContext as { authorizer?: unknown };
  return isRecord(authorizer) ? authorizer : undefined;
}

function jwtCaller(event: APIGatewayProxyEventV2): Caller | undefined {
  const jwt = authorizerOf(event)?.jwt;
  const claims = isRecord(jwt) ? jwt.claims : undefined;
  if (!isRecord(claims) || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  return { userId: claims.sub, isAdmin: groupsOf(claims['cognito:groups']).includes(ADMIN_GROUP), via: 'jwt' };
}

function iamCaller(event: APIGatewayProxyEventV2): Caller | undefined {
  const iam = authorizerOf(event)?.iam;
  if (!isRecord(iam)) return undefined;
  const principal = [iam.userArn, iam.callerId, iam.userId].find((id): id is string => typeof id === 'string' && id !== '');
  return principal === undefined ? undefined : { userId: principal, isAdmin: false, via: 'iam' };
}

/** Who is calling, checked against the route's mode; throws 401/403 problems. */
export function authorize<A extends AuthMode>(mode: A, event: APIGatewayProxyEventV2): CallerFor<A> {
  return callerFor(mode, event) as CallerFor<A>;
}

function callerFor(mode: AuthMode, event: APIGatewayProxyEventV2): Caller | undefined {
  const jwt = jwtCaller(event);
  switch (mode) {
    case 'public':
      return jwt;
    case 'user':
      if (!jwt) throw new UnauthorizedError('a bearer token is required');
      return jwt;
    case 'admin':
      if (!jwt) throw new UnauthorizedError('a bearer token is required');
      if (!jwt.isAdmin) throw new ForbiddenError('this route is for admins only');
      return jwt;
    case 'internal': {
      const iam = iamCaller(event);
      if (iam) return iam;
      if (!jwt) throw new UnauthorizedError('IAM credentials or an admin token are required');
      if (!jwt.isAdmin) throw new ForbiddenError('this route is internal');
      return jwt;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
