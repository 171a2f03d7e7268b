import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument, formatOpenApiDocument } from '../../lib/openapi';
import { API_ROUTES } from '../../lib/http/api-routes';

/**
 * `npm run openapi`: writes openapi.json at the repository root, the document
 * GET /openapi.json serves (without `servers`). A test fails while the
 * committed file differs from what this would write.
 */
const target = resolve(__dirname, '..', '..', 'openapi.json');
writeFileSync(target, formatOpenApiDocument(buildOpenApiDocument(API_ROUTES)));
console.log(`wrote ${target}`);
