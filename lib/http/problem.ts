import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError, ProblemType } from '../domain-error';

/** An RFC 9457 problem document as shared/API.md defines it. */
export interface ProblemDocument {
  type: `/problems/${ProblemType | 'internal'}`;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** Every problem the API answers, with its status; a new ProblemType does not compile until it is listed here. */
export const PROBLEMS: Readonly<Record<ProblemType, { status: number; title: string }>> = {
  validation: { status: 400, title: 'Bad Request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  'sold-out': { status: 409, title: 'Sold Out' },
  'duplicate-passenger': { status: 409, title: 'Duplicate Passenger' },
  'invalid-state': { status: 409, title: 'Invalid State' },
  'payment-mismatch': { status: 409, title: 'Payment Mismatch' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Payload Too Large' },
  'limit-reached': { status: 429, title: 'Limit Reached' },
  'sales-closed': { status: 409, title: 'Sales Closed' },
  'idempotency-conflict': { status: 422, title: 'Idempotency Conflict' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemDocument(problem: ProblemType, detail: string, errors?: FieldError[]): ProblemDocument {
  const { status, title } = PROBLEMS[problem];
  return { type: `/problems/${problem}`, title, status, detail, ...(errors && errors.length > 0 ? { errors } : {}) };
}

/** The body of every unexpected failure: it says nothing about the failure itself. */
export const INTERNAL_PROBLEM: ProblemDocument = {
  type: '/problems/internal',
  title: 'Internal Server Error',
  status: 500,
  detail: 'internal error',
};

export function problemResult(document: ProblemDocument): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: document.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(document),
  };
}
