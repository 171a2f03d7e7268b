import { problem, type LocalEndpoint } from './http-gateway';
import { tokenRequestSchema, type LocalAuth } from './local-auth';

/**
 * The local cloud's own endpoints (shared/API.md, "Local cloud only"), never
 * deployed. Keyed as the gateway looks them up: `METHOD /path`.
 */
export function localEndpoints(auth: LocalAuth): Record<string, LocalEndpoint> {
  return {
    'POST /_local/token': tokenEndpoint(auth),
  };
}

/** `{ "sub": "alice", "admin"?: true }` → `{ "token" }`, a Cognito-like access token. */
function tokenEndpoint(auth: LocalAuth): LocalEndpoint {
  return async ({ body }) => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return problem(400, 'validation', 'Bad Request', 'the body must be JSON: { "sub": "alice", "admin"?: true }');
    }
    const parsed = tokenRequestSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return problem(400, 'validation', 'Bad Request', 'expected { "sub": "alice", "admin"?: true }', errors);
    }
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: await auth.issue(parsed.data) }) };
  };
}
