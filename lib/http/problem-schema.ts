import { z } from 'zod';
import type { ProblemType } from '../domain-error';
import { PROBLEMS } from './problem';

const problemTypes = [...(Object.keys(PROBLEMS) as ProblemType[]), 'internal'] as const;

/** Every `type` a problem document can carry: `/problems/<slug>`. */
export const PROBLEM_TYPE_URIS = problemTypes.map((slug) => `/problems/${slug}` as const);

export const fieldErrorSchema = z.looseObject({
  /** The offending field, dotted (`passengers.0.idNumber`), or the part of the request (`body`, `headers`). */
  path: z.string(),
  message: z.string(),
});

/** The body of every 4xx and 5xx answer (RFC 9457, as shared/API.md narrows it), served as application/problem+json. */
export const problemSchema = z.looseObject({
  type: z.enum(PROBLEM_TYPE_URIS),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string(),
  /** With `validation`: every field that failed, at once. */
  errors: z.array(fieldErrorSchema).optional(),
});
