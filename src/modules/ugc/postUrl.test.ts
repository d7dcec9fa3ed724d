import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../kernel/errors.ts';
import { WindowLimiter } from './ipLimiter.ts';
import { checkPostUrl } from './postUrl.ts';

test('post URLs: known SNS hosts by platform; https, a post path and no credentials required', () => {
  const platform = (url: string, any = false) => checkPostUrl(url, any).platform;
  assert.equal(platform('https://www.instagram.com/p/C0abc/'), 'instagram');
  assert.equal(platform('https://x.com/kizuna/status/123'), 'x');
  assert.equal(platform('https://mobile.twitter.com/kizuna/status/123'), 'x');
  assert.equal(platform('https://vm.tiktok.com/ZSabc/'), 'tiktok');
  assert.equal(platform('https://voom.line.me/post/1234567890'), 'line_voom');
  assert.equal(platform('https://www.threads.net/@kizuna/post/abc'), 'threads');
  assert.equal(platform('https://shop.example.jp/blog/1', true), 'web');
  const field = (url: string, any = false) => {
    try {
      checkPostUrl(url, any);
      return 'accepted';
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.issues[0]!.path.join('.');
    }
  };
  for (const bad of ['http://www.instagram.com/p/1', 'https://www.instagram.com/', 'https://user:pw@x.com/a/status/1', 'not a url', 'https://evil-instagram.com/p/1', 'https://shop.example.jp/blog/1']) {
    assert.equal(field(bad), 'postUrl', bad);
  }
  assert.equal(field(`https://x.com/${'a'.repeat(2000)}`), 'postUrl');
});

test('the IP limiter counts hits per key in fixed windows', () => {
  const limiter = new WindowLimiter(2, 1000);
  assert.deepEqual([limiter.hit('a', 0), limiter.hit('a', 10), limiter.hit('a', 20), limiter.hit('b', 20)], [true, true, false, true]);
  assert.equal(limiter.retryAfter('a', 500), 1);
  assert.equal(limiter.hit('a', 1000), true);
});
