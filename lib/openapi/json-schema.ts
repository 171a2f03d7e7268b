import { z } from 'zod';
import { SCHEMA_REF_PREFIX } from './constants';
import { SchemaComponentError } from './errors';
import type { JsonSchema } from './types';

/**
 * Requests are described as a client sends them (`input`: before defaults,
 * coercions and transforms), responses as the service writes them (`output`).
 */
export type Direction = 'input' | 'output';

/**
 * draft-2020-12 is OpenAPI 3.1's dialect. A schema zod cannot express (a
 * transform on the output side, a bigint) fails the build rather than turning
 * into `{}`, which would document "anything".
 */
const CONVERSION = { target: 'draft-2020-12', unrepresentable: 'throw' } as const;

/** One schema on its own, e.g. the object whose properties become parameters. */
export function jsonSchemaOf(schema: z.ZodType, io: Direction): JsonSchema {
  return withoutDialect(z.toJSONSchema(schema, { ...CONVERSION, io }));
}

/**
 * Named schemas as `components.schemas`: a named schema inside another one
 * becomes a `$ref` to its component, everything else is inlined.
 */
export function componentSchemas(named: Readonly<Record<string, z.ZodType>>, io: Direction): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) {
    const taken = registry.get(schema);
    if (taken) throw new SchemaComponentError(`one schema is named both ${taken.id} and ${id}`);
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, { ...CONVERSION, io, uri: (id) => `${SCHEMA_REF_PREFIX}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutDialect(schema)]));
}

/** `$schema` and `$id` are implied by the document (jsonSchemaDialect, the component's place); repeating them is noise. */
function withoutDialect({ $schema: _schema, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}
