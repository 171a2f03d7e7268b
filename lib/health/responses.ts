import { z } from 'zod';
import { READINESS_CHECKS, type ReadinessCheck } from './constants';

/**
 * Response bodies of the health routes (shared/API.md). Loose: the contract
 * lets a response carry fields beyond the ones it names.
 */

export const livenessResponseSchema = z.looseObject({ status: z.literal('ok') });

export const readinessResponseSchema = z.looseObject({
  status: z.enum(['ready', 'not-ready']),
  /** `ok`, or why not: `unreachable: <error name>`, `unavailable: <status>`. */
  checks: z.looseObject(Object.fromEntries(READINESS_CHECKS.map((check) => [check, z.string()])) as Record<ReadinessCheck, z.ZodString>),
});
