import type { z } from 'zod';

/**
 * A queue message's JSON body read against its schema. `malformed` builds the
 * consumer's own error (its name tells the DLQ's reader which queue it was),
 * given what is wrong; the zod or JSON error is its cause.
 */
export function parseJsonMessage<S extends z.ZodType>(
  schema: S,
  body: string,
  what: { messageId: string; kind: string },
  malformed: (message: string, options: { cause: unknown }) => Error,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw malformed(`message ${what.messageId} is not JSON`, { cause });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    throw malformed(`message ${what.messageId} is not ${what.kind}: ${problems}`, { cause: result.error });
  }
  return result.data;
}
