import type { FieldError, ProblemType } from '../domain-error';
import { INTERNAL_PROBLEM, PROBLEM_CONTENT_TYPE, PROBLEMS, type ProblemDocument, problemDocument } from '../http/problem';
import { schemaRef } from './constants';
import type { ExampleObject, ResponseObject } from './types';

/** What an example of each problem says; the documents themselves come from problemDocument, as the handlers' do. */
const EXAMPLE_DETAILS: Readonly<Record<ProblemType, { detail: string; errors?: FieldError[] }>> = {
  validation: { detail: 'the request is not valid', errors: [{ path: 'from', message: 'station codes are 3 capital letters' }] },
  unauthorized: { detail: 'a bearer token is required' },
  forbidden: { detail: 'this route is for admins only' },
  'not-found': { detail: 'no order 7f3c9a1e-5b2d-4c8f-9e6a-1d2b3c4d5e6f' },
  'sold-out': { detail: 'only 1 second seat is free from VNP to AOH; 2 were asked for' },
  'duplicate-passenger': { detail: 'passenger 1 already has a ticket or a hold on G1_2026-12-01' },
  'invalid-state': { detail: 'order 7f3c9a1e-5b2d-4c8f-9e6a-1d2b3c4d5e6f is PAID; only a RESERVED order can be cancelled' },
  'idempotency-conflict': { detail: 'this Idempotency-Key was used with another request body' },
  'payment-mismatch': { detail: 'payment p-1 is 100 fen; order 7f3c9a1e-5b2d-4c8f-9e6a-1d2b3c4d5e6f costs 55300 fen' },
  'payload-too-large': { detail: 'request body is 70000 bytes; the limit is 65536' },
  conflict: { detail: 'another definition of G1_2026-12-01 was already published' },
  'limit-reached': { detail: 'you already have 2 unpaid orders: pay or cancel one first' },
  'sales-closed': { detail: 'G1_2026-12-01 left VNP at 2026-12-01T01:00:00.000Z: its seats are no longer sold' },
};

const example = (document: ProblemDocument): ExampleObject => ({ summary: document.title, value: document });

/** One example document per problem, plus the generic 500: `components.examples`, keyed by slug. */
export const PROBLEM_EXAMPLES: Readonly<Record<ProblemType | 'internal', ExampleObject>> = {
  ...(Object.fromEntries(
    (Object.keys(EXAMPLE_DETAILS) as ProblemType[]).map((slug) => [slug, example(problemDocument(slug, EXAMPLE_DETAILS[slug].detail, EXAMPLE_DETAILS[slug].errors))]),
  ) as Record<ProblemType, ExampleObject>),
  internal: example(INTERNAL_PROBLEM),
};

const exampleRef = (slug: ProblemType | 'internal') => ({ $ref: `#/components/examples/${slug}` });

/** Said of a 401 or 403 that API Gateway itself may answer on AWS, before any function runs. */
const GATEWAY_NOTE = " On AWS, a request the route's authorizer rejects gets API Gateway's own body instead.";

/**
 * The problem+json responses of an operation: its problems grouped by status,
 * each status naming its slugs with an example of each, plus the generic 500.
 */
export function problemResponses(problems: readonly ProblemType[], { gatewayAuthorizes }: { gatewayAuthorizes: boolean }): Record<string, ResponseObject> {
  const byStatus = new Map<number, ProblemType[]>();
  for (const problem of new Set(problems)) {
    const { status } = PROBLEMS[problem];
    byStatus.set(status, [...(byStatus.get(status) ?? []), problem]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, slugs] of [...byStatus].sort(([a], [b]) => a - b)) {
    const listed = slugs.map((slug) => `${PROBLEMS[slug].title} (\`${slug}\`)`).join('; ');
    const note = gatewayAuthorizes && (status === 401 || status === 403) ? GATEWAY_NOTE : '';
    responses[String(status)] = {
      description: `${listed}.${note}`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem'), examples: Object.fromEntries(slugs.map((slug) => [slug, exampleRef(slug)])) } },
    };
  }
  responses['500'] = {
    description: 'An unexpected failure; the body says nothing about it.',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem'), examples: { internal: exampleRef('internal') } } },
  };
  return responses;
}
