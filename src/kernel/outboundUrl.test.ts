import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { outboundRequest } from './outboundHttp.ts';
import { guardedSmtpSocket } from './outboundSocket.ts';
import { OutboundRefusedError, addressRefusal, guardedLookup, hostRefusal, outboundUrl, urlRefusal, type Resolver } from './outboundUrl.ts';

/** The suite runs with KIZUNA_ALLOW_PRIVATE_URLS=1 (scripts/test.ts); these tests switch it off to see the refusals. */
function withPrivate<T>(allowed: boolean, fn: () => T): T {
  const before = process.env.KIZUNA_ALLOW_PRIVATE_URLS;
  process.env.KIZUNA_ALLOW_PRIVATE_URLS = allowed ? '1' : '0';
  const restore = () => (before === undefined ? delete process.env.KIZUNA_ALLOW_PRIVATE_URLS : (process.env.KIZUNA_ALLOW_PRIVATE_URLS = before));
  try {
    const out = fn();
    if (out instanceof Promise) return out.finally(restore) as T;
    restore();
    return out;
  } catch (err) {
    restore();
    throw err;
  }
}

/** A resolver that answers `address` for any name: DNS rebinding in one line. */
const resolvesTo = (address: string): Resolver => (_host, _options, callback) => process.nextTick(callback, null, [{ address, family: address.includes(':') ? 6 : 4 }]);

describe('outbound addresses', () => {
  test('link-local and cloud metadata are refused even when private addresses are allowed', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '100.100.100.200']) {
      assert.ok(addressRefusal(a, true), `${a} allowed`);
    }
    for (const h of ['metadata.google.internal', 'METADATA.google.internal.', '[fe80::1]', '169.254.169.254', '0xa9.0xfe.0xa9.0xfe']) assert.ok(hostRefusal(h, true), `${h} allowed`);
    assert.match(urlRefusal('http://169.254.169.254/latest/meta-data/', true)!, /metadata/);
    assert.match(urlRefusal('http://[fe80::1%25eth0]/', true) ?? 'refused', /link-local|refused|not/);
  });

  test('loopback, private, CGNAT, unique-local, unspecified and multicast are refused unless allowed', () => {
    const inside = ['127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', 'fc00::1', 'fd12:3456::1', '0.0.0.0', '::', '::1', '224.0.0.1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '2002:7f00:1::'];
    for (const a of inside) {
      assert.ok(addressRefusal(a, false), `${a} allowed`);
      assert.equal(addressRefusal(a, true), null, `${a} refused with private allowed`);
    }
    for (const h of ['localhost', 'api.localhost', '2130706433', '0x7f000001', '[::1]']) assert.ok(hostRefusal(h, false), `${h} allowed`);
    assert.match(hostRefusal('127.0.0.1', false)!, /loopback.*KIZUNA_ALLOW_PRIVATE_URLS/);
  });

  test('public addresses and names pass', () => {
    for (const a of ['8.8.8.8', '203.104.153.1', '2404:6800:4004:80f::200e', '::ffff:8.8.8.8']) assert.equal(addressRefusal(a, false), null, a);
    for (const u of ['https://api.line.me', 'https://hooks.example.com/x', 'smtp://user:pw@smtp.example.jp:587']) assert.equal(urlRefusal(u, false), null, u);
  });

  test('the settings refinement answers an issue naming the reason', () => {
    const schema = z.object({ url: outboundUrl(z.url()) });
    const out = withPrivate(false, () => schema.safeParse({ url: 'http://localhost:8080/' }));
    assert.equal(out.success, false);
    assert.deepEqual(out.error!.issues[0]!.path, ['url']);
    assert.match(out.error!.issues[0]!.message, /must be a public address: the host is loopback/);
    assert.equal(withPrivate(true, () => schema.safeParse({ url: 'http://localhost:8080/' })).success, true);
    assert.equal(withPrivate(true, () => schema.safeParse({ url: 'http://169.254.169.254/' })).success, false);
  });
});

describe('outbound connections are checked on the resolved address', () => {
  let server: ReturnType<typeof createServer>;
  let port = 0;
  let hits = 0;
  before(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (url: string, resolve?: Resolver) => outboundRequest(url, { headers: {}, body: '{}', timeoutMs: 2000, resolve });

  test('a name resolving to 127.0.0.1 at connect time is refused (DNS rebinding), and nothing is sent', async () => {
    hits = 0;
    await withPrivate(false, async () => {
      // A name that passed the save-time check (it is not an IP and not "localhost")…
      assert.equal(urlRefusal(`http://hooks.example.com:${port}/`), null);
      // …resolves to loopback when the request is made.
      await assert.rejects(post(`http://hooks.example.com:${port}/`, resolvesTo('127.0.0.1')), (err: Error) => err instanceof OutboundRefusedError && /loopback/.test(err.message));
      await assert.rejects(post(`http://hooks.example.com:${port}/`, resolvesTo('169.254.169.254')), /metadata/);
      // The system resolver's answer for localhost, and IP literals (for which Node skips lookup).
      await assert.rejects(post(`http://localhost:${port}/`), OutboundRefusedError);
      await assert.rejects(post(`http://127.0.0.1:${port}/`), OutboundRefusedError);
      await assert.rejects(post(`http://[::ffff:127.0.0.1]:${port}/`), OutboundRefusedError);
    });
    assert.equal(hits, 0);
  });

  test('with private addresses allowed the request goes through, and a redirect is returned, not followed', async () => {
    hits = 0;
    const res = await withPrivate(true, () => post(`http://rebind.example:${port}/`, resolvesTo('127.0.0.1')));
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://169.254.169.254/latest/meta-data/');
    assert.equal(hits, 1);
    // Metadata stays refused even then.
    await withPrivate(true, () => assert.rejects(post('http://169.254.169.254/latest/meta-data/'), /metadata/));
  });

  test('guardedLookup keeps the public addresses of a mixed answer and drops the inside ones', async () => {
    const mixed: Resolver = (_h, _o, cb) => process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }, { address: '93.184.216.34', family: 4 }]);
    const all = await withPrivate(false, () => new Promise((resolve, reject) => guardedLookup(mixed)('mixed.example', { all: true }, (err, a) => (err ? reject(err) : resolve(a)))));
    assert.deepEqual(all, [{ address: '93.184.216.34', family: 4 }]);
  });

  test('SMTP: nodemailer connects through the guard; an SMTP host on loopback is refused', async () => {
    const transport = nodemailer.createTransport({ url: `smtp://localhost:${port}`, getSocket: guardedSmtpSocket() } as never);
    const message = { from: 'a@example.jp', to: 'b@example.jp', subject: 'x', text: 'x' };
    await withPrivate(false, () => assert.rejects(transport.sendMail(message), OutboundRefusedError));
    const rebinding = nodemailer.createTransport({ host: 'smtp.example.jp', port, getSocket: guardedSmtpSocket(resolvesTo('10.0.0.5')) } as never);
    await withPrivate(false, () => assert.rejects(rebinding.sendMail(message), /private address/));
    transport.close();
    rebinding.close();
  });
});
