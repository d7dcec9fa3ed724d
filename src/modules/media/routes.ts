import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import { type Authenticator, requireScope, workspaceOf } from '../../kernel/access.ts';
import { PayloadTooLargeError, ValidationError } from '../../kernel/errors.ts';
import type { ZodApp } from '../../kernel/http.ts';
import { MAX_IMAGE_BYTES, type MediaService } from './service.ts';

/** The services these handlers use (the composition root passes them in). */
interface RouteServices {
  authenticator: Authenticator;
  media: MediaService;
}

const FIELD = 'file';
const tags = ['media'];

const imageView = z.object({
  id: z.string().describe('SHA-256 of the workspace id and the bytes'),
  contentType: z.string(),
  size: z.number().int(),
  name: z.string(),
  path: z.string().describe('public, immutable: /media/images/<workspace>/<id>.<ext>'),
  url: z.string().describe('the path on the origin the request came to, for use in templates'),
  createdAt: z.date(),
});

/**
 * A content-addressed image never changes, so any cache may keep it for a year (RFC 8246
 * `immutable`: no revalidation on reload). Served as an image only: never sniffed, and a sandboxed
 * CSP in case a browser opens it as a page. Mail clients and their image proxies load it from any
 * origin, hence cross-origin resource policy.
 */
export const IMAGE_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  'x-content-type-options': 'nosniff',
  'content-disposition': 'inline',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'cross-origin',
};

export async function mediaRoutes(app: ZodApp, services: RouteServices): Promise<void> {
  const { media } = services;
  const read = requireScope(services, 'read');
  // Images go into campaign templates: the marketer's work.
  const write = requireScope(services, 'messaging');
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 6 } });

  const withUrl = (origin: string, image: Awaited<ReturnType<MediaService['upload']>>) => ({ ...image, url: `${origin}${image.path}` });
  const originOf = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;

  app.post(
    '/v1/media/images',
    {
      preHandler: write,
      schema: {
        tags,
        summary: `Upload an image for email templates (multipart/form-data, field "${FIELD}"): PNG, JPEG, GIF or WebP by its bytes, at most 5 MB. 400 names the field, 413 too large`,
        response: { 201: imageView },
      },
    },
    async (request, reply) => {
      const missing = () => new ValidationError('No image', [{ path: [FIELD], message: `send the image as multipart/form-data in the field "${FIELD}"` }]);
      if (!request.isMultipart()) throw missing();
      let file: { bytes: Buffer; name: string } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          if (part.fieldname !== FIELD) {
            await part.toBuffer();
            continue;
          }
          file = { bytes: await part.toBuffer(), name: part.filename ?? '' };
        }
      } catch (err) {
        const { code, statusCode } = err as { code?: string; statusCode?: number };
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw new PayloadTooLargeError(`The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
        if (statusCode === 413) throw new ValidationError('Too many parts', [{ path: [FIELD], message: 'send one image' }]);
        throw err;
      }
      if (!file) throw missing();
      const image = await media.upload(workspaceOf(request), file.bytes, file.name, FIELD);
      return reply.code(201).send(withUrl(originOf(request), image));
    },
  );

  app.get(
    '/v1/media/images',
    { preHandler: read, schema: { tags, summary: 'Uploaded images, newest first (the editor’s image picker)', response: { 200: z.object({ data: z.array(imageView) }) } } },
    async (request) => ({ data: (await media.list(workspaceOf(request))).map((i) => withUrl(originOf(request), i)) }),
  );

  app.get(
    '/media/images/:workspaceId/:file',
    { config: { access: 'public' }, schema: { hide: true, params: z.object({ workspaceId: z.string().max(64), file: z.string().max(80) }) } },
    async (request, reply) => {
      const image = await media.publicImage(request.params.workspaceId, request.params.file);
      const etag = `"${image.id}"`;
      reply.headers(IMAGE_HEADERS).header('etag', etag);
      // RFC 9110 §13.1.2: a weak or listed match means the client's copy is current.
      const match = request.headers['if-none-match'];
      if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) return reply.code(304).send();
      return reply.type(image.contentType).send(image.bytes);
    },
  );
}
