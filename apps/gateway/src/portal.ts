import { Logger } from '@nestjs/common';
import { Router, static as serveStatic } from 'express';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PORTAL_PATH = '/portal';

/**
 * The portal's own page only: its scripts, styles and fetches from the gateway, and `blob:`
 * for the document viewer (a PDF in a frame, an image, a download) — nothing else, no inline
 * script or style, no other origin.
 */
export const PORTAL_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  'frame-src blob:',
  'object-src blob:',
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Vite names the bundles it writes under assets/ by their content: they never change. */
const HASHED_ASSETS = /^\/assets\//;

/** dist/portal of the repository the gateway runs from (its sources or its build). */
export function builtPortalDirectory(from: string = __dirname): string | undefined {
  let directory = from;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
  const portal = join(directory, 'dist', 'portal');
  return existsSync(join(portal, 'index.html')) ? portal : undefined;
}

/**
 * The patient portal (apps/portal, built by `npm run build:portal`) under /portal, over TLS
 * without a client certificate: its files, and index.html for every other path under it (the
 * app routes itself, /portal/callback included). Absent when the portal is not built: the
 * gateway serves everything else all the same.
 */
export function portalRouter(directory: string | undefined): Router | undefined {
  const logger = new Logger('Portal');
  if (!directory) {
    logger.warn('Patient portal not built (no dist/portal): /portal is not served');
    return undefined;
  }
  logger.log(`Patient portal served from ${directory}`);
  const secured = (response: Response) => {
    response.setHeader('Content-Security-Policy', PORTAL_CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
  };
  const assets = join(directory, 'assets');
  const router = Router({ strict: true });
  router.get('/', (request, response, next) => {
    if (request.originalUrl.split('?')[0] === PORTAL_PATH) {
      response.redirect(301, `${PORTAL_PATH}/`);
      return;
    }
    next();
  });
  router.use(
    serveStatic(directory, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (response: Response, file: string) => {
        secured(response);
        response.setHeader(
          'Cache-Control',
          file.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  router.get(/.*/, (request, response, next) => {
    if (HASHED_ASSETS.test(request.path)) return next();
    secured(response);
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(join(directory, 'index.html'));
  });
  return router;
}
