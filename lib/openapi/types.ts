import type { z } from 'zod';
import type { ProblemType } from '../domain-error';
import type { RequestSchemas } from '../http/request';

/** A JSON Schema (draft 2020-12) as zod writes it: OpenAPI 3.1's Schema Object. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the description needs of a route: the CDK route table's entries have this shape. */
export interface DescribedRoute {
  readonly method: HttpMethod;
  /** API Gateway's path template, e.g. `/orders/{orderId}`. */
  readonly path: string;
  /** none: public; jwt: a Cognito user's token; iam: SigV4-signed. */
  readonly auth: 'none' | 'jwt' | 'iam';
}

/** `GET /orders/{orderId}`: API Gateway's route key, and the key of a route's description. */
export type RouteKey = `${HttpMethod} /${string}`;

export const routeKeyOf = (route: Pick<DescribedRoute, 'method' | 'path'>): RouteKey => `${route.method} ${route.path}` as RouteKey;

/** One successful answer of an operation. */
export interface ResponseDescription {
  readonly description: string;
  /** A named component (see components.ts); left out for an answer without a body (204). */
  readonly body?: z.ZodType;
  /** Response headers by their canonical name. */
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: z.ZodType }>>;
}

/**
 * What the route table does not say about a route: its name, what it takes
 * (the very zod schemas its handler validates with) and what it answers.
 */
export interface OperationDescription {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly request?: RequestSchemas<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;
  /** Descriptions of path, query and header parameters, by the name their schema gives them. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Successful answers (and readyz's 503), by status. */
  readonly responses: Readonly<Record<number, ResponseDescription>>;
  /** Every problem the route can answer; grouped by status into problem+json responses. */
  readonly problems: readonly ProblemType[];
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface ExampleObject {
  summary: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  examples?: Record<string, ExampleObject | { $ref: string }>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, MediaTypeObject>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
  security?: SecurityRequirement[];
}

export type SecuritySchemeObject =
  | { type: 'http'; scheme: 'bearer'; bearerFormat: string; description: string }
  | { type: 'apiKey'; in: 'header'; name: string; description: string; 'x-amazon-apigateway-authtype': string };

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers?: { url: string; description?: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
    examples: Record<string, ExampleObject>;
  };
}
