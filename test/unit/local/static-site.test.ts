import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaticSite } from '../../../infra/local/static-site';

const root = mkdtempSync(join(tmpdir(), 'static-site-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<div id="app"></div>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
const site = new StaticSite(root, { apiUrl: '', auth: { mode: 'local' } });
const text = (body: string) => Buffer.from(body, 'base64').toString('utf8');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Class: StaticSite', () => {
  describe('Method: respond', () => {
    it('answers / and any page a browser asks for with index.html, not to be cached stale', async () => {
      for (const path of ['/', '/my-orders/o-1']) {
        const page = await site.respond(path, 'text/html,application/xhtml+xml');
        expect(page).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } });
        expect(text(page?.body ?? '')).toBe('<div id="app"></div>');
      }
    });

    it('serves a hashed asset as immutable, with its content type', async () => {
      const asset = await site.respond('/assets/index-abc.js', '*/*');
      expect(asset?.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
      expect(text(asset?.body ?? '')).toBe('console.log(1)');
    });

    it('serves the local config.json', async () => {
      expect(JSON.parse(text((await site.respond('/config.json', 'application/json'))?.body ?? ''))).toEqual({ apiUrl: '', auth: { mode: 'local' } });
    });

    it('leaves a missing file that is no page, and any path out of the build, to the 404 of the gateway', async () => {
      expect(await site.respond('/assets/missing.js', '*/*')).toBeUndefined();
      expect(await site.respond('/..%2f..%2fetc%2fpasswd', '*/*')).toBeUndefined();
      expect(await site.respond('/%E0%A4%A', '*/*')).toBeUndefined();
    });
  });
});
