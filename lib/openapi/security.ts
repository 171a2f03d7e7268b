import { SECURITY_SCHEME } from './constants';
import type { DescribedRoute, SecurityRequirement, SecuritySchemeObject } from './types';

export const SECURITY_SCHEMES: Readonly<Record<string, SecuritySchemeObject>> = {
  [SECURITY_SCHEME.jwt]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A token of the Cognito user pool, checked by the HTTP API JWT authorizer. The user is the `sub` claim; admins carry "admin" in `cognito:groups`. ' +
      'In the local cloud, tokens come from POST /_local/token.',
  },
  [SECURITY_SCHEME.iam]: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'AWS Signature Version 4 (IAM authorization), for internal callers. In the local cloud, which has no SigV4, an admin bearer token instead.',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
};

/** What a route's callers present; public routes present nothing, so they carry no requirement at all. */
export function securityOf(auth: DescribedRoute['auth']): SecurityRequirement[] | undefined {
  return auth === 'none' ? undefined : [{ [SECURITY_SCHEME[auth]]: [] }];
}
