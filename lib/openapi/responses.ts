import { z } from 'zod';
import { OPENAPI_VERSION } from './constants';

/** GET /openapi.json: this very document; only its frame is described, not OpenAPI itself. */
export const openApiDocumentResponseSchema = z.looseObject({
  openapi: z.literal(OPENAPI_VERSION),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});
