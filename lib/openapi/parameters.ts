import type { z } from 'zod';
import { RouteDescriptionMismatchError } from './errors';
import { jsonSchemaOf } from './json-schema';
import type { JsonSchema, OperationDescription, ParameterObject, RouteKey } from './types';

type Location = ParameterObject['in'];

/** `{serviceId}` and the like in an API Gateway path template. */
export function pathTemplateParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}/]+)\}/g)].map(([, name]) => name ?? '');
}

/** `idempotency-key` → `Idempotency-Key`: header schemas name headers as API Gateway delivers them (lower case), the document as clients write them. */
export const canonicalHeaderName = (name: string): string => name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);

/**
 * The operation's path, query and header parameters, one per property of the
 * request schema of each part. The path schema must name exactly the template's
 * parameters, so a renamed `{orderId}` cannot go undocumented.
 */
export function parametersOf(routeKey: RouteKey, path: string, operation: OperationDescription): ParameterObject[] {
  const { request = {}, parameters: descriptions = {} } = operation;
  const pathParameters = request.path ? parametersIn(request.path, 'path', descriptions) : [];
  const declared = pathParameters.map((p) => p.name).sort();
  const templated = pathTemplateParameters(path).sort();
  if (declared.join() !== templated.join()) {
    throw new RouteDescriptionMismatchError(`${routeKey}: the path has parameters [${templated.join(', ')}], its path schema [${declared.join(', ')}]`);
  }
  return [
    ...pathParameters,
    ...(request.query ? parametersIn(request.query, 'query', descriptions) : []),
    ...(request.headers ? parametersIn(request.headers, 'header', descriptions) : []),
  ];
}

function parametersIn(schema: z.ZodType, location: Location, descriptions: Readonly<Record<string, string>>): ParameterObject[] {
  const object = jsonSchemaOf(schema, 'input');
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const description = descriptions[name];
    return {
      name: location === 'header' ? canonicalHeaderName(name) : name,
      in: location,
      // OpenAPI: a path parameter is always required.
      required: location === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: property as JsonSchema,
    };
  });
}
