/** Base of the failures to describe the API: each is a bug in the route table or the descriptions, found before anything is served. */
export class OpenApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** A route without a description, a description without a route, or path parameters that disagree with the path schema. */
export class RouteDescriptionMismatchError extends OpenApiError {}

/** A body schema that is not a named component, or two components under one name. */
export class SchemaComponentError extends OpenApiError {}
