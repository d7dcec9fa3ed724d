import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suiteApps } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { multipart, PNG } from '../ugc/testKit.ts';
import { MAX_IMAGE_BYTES } from './service.ts';

/** A real 1×1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describeEachDatabase('media: images for email templates', (t) => {
  const open = suiteApps(t);
  const setup = async () => {
    const kit = await open();
    const staff = await kit.headers('messaging');
    const upload = async (file: Parameters<typeof multipart>[1], headers: Record<string, string> = staff) => {
      const body = multipart({}, file);
      return kit.app.inject({ method: 'POST', url: '/v1/media/images', payload: body.payload, headers: { ...headers, ...body.headers } });
    };
    return { ...kit, staff, upload };
  };

  test('the type comes from the bytes, not the name or the type the client claims; bad input is a 400 naming "file"', async () => {
    const { upload, app, staff } = await setup();
    const png = await upload({ field: 'file', name: 'notes.txt', type: 'text/plain', bytes: PNG });
    assert.equal(png.statusCode, 201, png.body);
    assert.equal(png.json().contentType, 'image/png');
    assert.match(png.json().path, /^\/media\/images\/[0-9a-f-]{36}\/[0-9a-f]{64}\.png$/);
    const gif = await upload({ field: 'file', name: 'logo.png', type: 'image/png', bytes: GIF });
    assert.equal(gif.statusCode, 201, gif.body);
    assert.match(gif.json().path, /\.gif$/);

    const refused = [
      { name: 'photo.png', type: 'image/png', bytes: Buffer.from('just text, not a picture\n'.repeat(10)) },
      { name: 'logo.svg', type: 'image/svg+xml', bytes: SVG },
      { name: 'empty.png', type: 'image/png', bytes: Buffer.alloc(0) },
      { name: 'archive.png', type: 'image/png', bytes: Buffer.from('504b0304140000000800', 'hex') },
    ];
    for (const file of refused) {
      const res = await upload({ field: 'file', ...file });
      assert.equal(res.statusCode, 400, `${file.name}: ${res.body}`);
      assert.deepEqual(res.json().issues[0].path, ['file'], file.name);
    }
    const wrongField = await upload({ field: 'image', name: 'a.png', type: 'image/png', bytes: PNG });
    assert.equal(wrongField.statusCode, 400);
    assert.deepEqual(wrongField.json().issues[0].path, ['file']);
    const json = await app.inject({ method: 'POST', url: '/v1/media/images', headers: staff, payload: { file: 'x' } });
    assert.equal(json.statusCode, 400);
    assert.deepEqual(json.json().issues[0].path, ['file']);
    const huge = await upload({ field: 'file', name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES)]) });
    assert.equal(huge.statusCode, 413);
  });

  test('served without sign-in at an immutable content address, with an ETag; the same bytes are one image', async () => {
    const { upload, app, headers } = await setup();
    const first = (await upload({ field: 'file', name: 'a.png', type: 'image/png', bytes: PNG })).json();
    const again = (await upload({ field: 'file', name: 'b.png', type: 'image/png', bytes: PNG })).json();
    assert.equal(again.id, first.id);
    assert.equal(again.path, first.path);

    const res = await app.inject({ method: 'GET', url: first.path });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['etag'], `"${first.id}"`);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(res.rawPayload, PNG);
    const cached = await app.inject({ method: 'GET', url: first.path, headers: { 'if-none-match': `W/"${first.id}"` } });
    assert.equal(cached.statusCode, 304);
    assert.equal(cached.rawPayload.length, 0);
    // The extension must be the stored type's; anything else is not this image.
    assert.equal((await app.inject({ method: 'GET', url: first.path.replace(/\.png$/, '.gif') })).statusCode, 404);

    const list = await app.inject({ method: 'GET', url: '/v1/media/images', headers: await headers('read') });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().data.map((i: { id: string }) => i.id), [first.id]);
    // A read-only key sees the images but cannot add one.
    const readOnly = await upload({ field: 'file', name: 'a.png', type: 'image/png', bytes: GIF }, await headers('read'));
    assert.equal(readOnly.statusCode, 403);
  });

  test('workspaces are isolated: the same bytes get another address, and one workspace cannot list or fetch through another', async () => {
    const a = await setup();
    const b = await setup();
    const inA = (await a.upload({ field: 'file', name: 'a.png', type: 'image/png', bytes: PNG })).json();
    const inB = (await b.upload({ field: 'file', name: 'a.png', type: 'image/png', bytes: PNG })).json();
    assert.notEqual(inA.id, inB.id);
    assert.deepEqual((await b.app.inject({ method: 'GET', url: '/v1/media/images', headers: await b.headers('read') })).json().data.map((i: { id: string }) => i.id), [inB.id]);
    // A's image id under B's workspace is not found.
    const crossed = `/media/images/${b.workspace.id}/${inA.id}.png`;
    assert.equal((await b.app.inject({ method: 'GET', url: crossed })).statusCode, 404);
    assert.equal((await b.app.inject({ method: 'GET', url: `/media/images/not-a-uuid/${inA.id}.png` })).statusCode, 404);
  });
});
