import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Nothing may frame us, submit to us or load anything from a JSON response. */
const API_POLICY = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * What the Swagger UI needs and no more: its scripts and styles come from our own origin (its bundles only
 * reach for `Function` after `self`, so no 'unsafe-eval'); its page has inline <style> blocks and React sets
 * style attributes, hence 'unsafe-inline' for styles only; icons are data: URIs; "Try it out" calls our API.
 */
const DOCS_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/**
 * The operator console (console/, served at `/`): its one module script and stylesheet come from our origin,
 * nothing inline may run or style, it talks only to our API, and it loads nothing from a third party. Mail
 * HTML is shown in a sandboxed srcdoc frame, which inherits this policy on top of its own (mail-html-frame.tsx),
 * so remote images stay blocked there too; downloads are blob: URLs made from authenticated fetches.
 * Inline styles are allowed (never inline script): mail is formatted with style attributes, and the frame
 * can only be as permissive as this page.
 */
const CONSOLE_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** Paths answered by the server itself (JSON, metrics, health): the API policy. */
const SERVER_PREFIXES = ['/api/', '/health', '/metrics'];

export interface SecurityHeaderOptions {
  /** Path prefix of the Swagger UI and its assets, e.g. `/docs` (also covers `/docs-json`). */
  docsPath: string;
  /** The public URL is https: send HSTS on every response, not only on requests that arrived over TLS. */
  httpsPublicUrl: boolean;
}

/**
 * Hardening headers for every response (nosniff, no framing, a CSP per kind of response, HSTS behind TLS).
 * HSTS goes out when the request is secure (TLS here, or X-Forwarded-Proto: https with TRUST_PROXY) or the
 * public URL is https; browsers ignore it over plain http anyway, so a local http install is never pinned.
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler[] {
  const common = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: false,
    // For browsers that predate frame-ancestors: the same "never framed".
    xFrameOptions: { action: 'deny' },
  });
  const apiCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: API_POLICY });
  const docsCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: DOCS_POLICY });
  const consoleCsp = helmet.contentSecurityPolicy({ useDefaults: false, directives: CONSOLE_POLICY });
  const hsts = helmet.strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: false });

  const policyFor = (path: string) => {
    if (path.startsWith(options.docsPath)) return docsCsp;
    if (path === '/api' || SERVER_PREFIXES.some((prefix) => path.startsWith(prefix))) return apiCsp;
    return consoleCsp;
  };
  const csp = (req: Request, res: Response, next: NextFunction) => policyFor(req.path)(req, res, next);
  const transport = (req: Request, res: Response, next: NextFunction) => {
    if (options.httpsPublicUrl || req.secure) hsts(req, res, next);
    else next();
  };
  return [common, csp, transport];
}
