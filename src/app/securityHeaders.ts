import type { FastifyInstance } from 'fastify';

/**
 * The single-page app: Vite's build has no inline script (one module script and one stylesheet,
 * files under /assets), so scripts come from 'self' only, never inline or eval'd. Styles may be
 * inline, as measured with the browser tests: ECharts writes tooltips and legends as HTML with
 * style="…", and the campaign preview shows the rendered email in an iframe (srcdoc), which
 * inherits this policy and carries MJML's <style> elements. A style cannot run code. The app calls
 * only its own origin; UGC photos and chart exports are `self` or data:/blob: URLs. The visual
 * email editor (GrapesJS) needs nothing more: its canvas is a same-origin frame with inline styles,
 * it evaluates no code, and its telemetry and CDN icon font are switched off rather than allowed
 * here; uploaded images are `self` (/media/images).
 */
export const WEB_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Swagger UI at /docs: its scripts and stylesheets are files, but it sets inline style attributes. */
const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Any other HTML (the unsubscribe page, the "not built" notice): no script at all, its own inline <style>. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Headers every response gets unless its route set its own: `nosniff`, a Referrer-Policy that
 * sends no path to other sites, a CSP for HTML, and no framing (X-Frame-Options: DENY) unless the
 * route's CSP allows framers by name (the survey widget, framed by the workspace's own sites).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    if (!reply.hasHeader('content-security-policy') && String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', /^\/docs(\/|$)/.test(request.url) ? DOCS_CSP : PAGE_CSP);
    }
    const framers = /frame-ancestors\s+(?!'none')/.test(String(reply.getHeader('content-security-policy') ?? ''));
    if (!framers && !reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    return payload;
  });
}
