export { OPENAPI_VERSION } from './constants';
export { OpenApiError, RouteDescriptionMismatchError, SchemaComponentError } from './errors';
export { OPERATIONS } from './operations';
export { buildOpenApiDocument, formatOpenApiDocument, type OpenApiOptions, withServer } from './openapi-document';
export { openApiDocumentResponseSchema } from './responses';
export type { DescribedRoute, OpenApiDocument, OperationDescription, RouteKey } from './types';
