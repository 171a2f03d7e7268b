import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/**
 * The web console as a CDN would serve it: files of its build by path, `/` and
 * any other page a browser asks for (Accept: text/html) answered with index.html,
 * so the console's own routes survive a reload. The gateway asks it only about
 * GET requests no API route took.
 */
export interface StaticResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** base64 */
  body: string;
  binary: true;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** As the CloudFront distribution sends them (infra/cdk/console-site.ts). */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

export class StaticSite {
  /**
   * @param root the build directory
   * @param config served as /config.json: what the console reads at startup instead of a deployed config
   */
  constructor(
    private readonly root: string,
    private readonly config: Record<string, unknown>,
  ) {}

  /** The file at a path, index.html for a page, or undefined (the gateway's 404). */
  async respond(rawPath: string, accept: string | undefined): Promise<StaticResponse | undefined> {
    if (rawPath === '/config.json') return this.answer('.json', Buffer.from(JSON.stringify(this.config)), 'no-store');
    const file = rawPath === '/' ? undefined : this.resolve(rawPath);
    const content = file === undefined ? undefined : await readFile(file).catch(() => undefined);
    if (file !== undefined && content !== undefined) {
      // Vite names assets by content hash: they never change under a name.
      const immutable = rawPath.startsWith('/assets/');
      return this.answer(extname(file), content, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    if (rawPath === '/' || accept?.includes('text/html')) {
      return this.answer('.html', await readFile(join(this.root, 'index.html')), 'no-cache');
    }
    return undefined;
  }

  /** A path inside the root, or undefined for one that would leave it. */
  private resolve(rawPath: string): string | undefined {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      return undefined;
    }
    const file = normalize(join(this.root, path));
    return file.startsWith(this.root + sep) ? file : undefined;
  }

  private answer(extension: string, content: Buffer, cacheControl: string): StaticResponse {
    return {
      statusCode: 200,
      headers: { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'cache-control': cacheControl, ...SECURITY_HEADERS },
      body: content.toString('base64'),
      binary: true,
    };
  }
}
