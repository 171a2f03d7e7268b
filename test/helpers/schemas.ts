import type { z } from 'zod';

/** What `schema` finds wrong with `value`, one `path: message` each; `[]` when it accepts it. Reads better in a failed expect than a bare false. */
export function schemaIssues(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
