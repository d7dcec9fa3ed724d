import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { mimeMessage, type MimeInput } from './mimeMessage.ts';

/** What nodemailer's own composer makes of the same input (the way every email was built before). */
async function composedByNodemailer(input: MimeInput): Promise<{ raw: Buffer; envelope: { from: string | false; to: string[] } }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: input.from,
    replyTo: input.replyTo,
    to: input.to,
    subject: input.subject,
    html: input.html,
    text: input.text,
    messageId: input.messageId,
    headers: input.headers,
    textEncoding: 'base64',
  });
  return { raw: info.message as Buffer, envelope: info.envelope as { from: string | false; to: string[] } };
}

const seen = (mail: ParsedMail) => ({
  subject: mail.subject,
  from: mail.from?.value,
  to: (Array.isArray(mail.to) ? mail.to : [mail.to]).map((a) => a?.value),
  replyTo: mail.replyTo?.value,
  messageId: mail.messageId,
  text: mail.text,
  html: mail.html,
  listUnsubscribe: mail.headers.get('list-unsubscribe-post'),
  seedCopy: mail.headers.get('x-kizuna-seed-copy'),
});

const BASE: MimeInput = {
  from: { name: '絆ストア "冬"', address: 'news@kizuna-shop.example.jp' },
  replyTo: 'support@kizuna-shop.example.jp',
  to: 'hanako@例え.jp',
  subject: '花子様 冬のセールのお知らせ',
  messageId: '<0b6f5c9e@kizuna-shop.example.jp>',
  headers: { 'List-Unsubscribe': '<https://kizuna.example.jp/m/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Kizuna-Seed-Copy': 'c1' },
  text: '山田 花子様\n.先頭のドット\n' + 'セール '.repeat(500),
  html: `<html><body><p>山田 花子様</p><p>${'セール '.repeat(2_000)}</p><a href="https://x.example/?a=1&amp;b=2">店</a></body></html>`,
};

test('an email reads as nodemailer composed it: headers, addresses (IDN punycoded), text and HTML parts, envelope', async () => {
  for (const input of [BASE, { ...BASE, text: '' }, { ...BASE, replyTo: undefined, from: { name: 'Kizuna', address: 'news@kizuna-shop.example.jp' } }]) {
    const mine = mimeMessage(input);
    const theirs = await composedByNodemailer(input);
    assert.deepEqual(seen(await simpleParser(mine.raw)), seen(await simpleParser(theirs.raw)));
    assert.deepEqual(mine.envelope, theirs.envelope);
    assert.deepEqual(mine.envelope.to, ['hanako@xn--r8jz45g.jp']);
  }
});

test('a line break in a rendered subject cannot add a header; body lines are base64 of at most 76 characters', async () => {
  const mine = mimeMessage({ ...BASE, subject: 'セール\r\nBcc: victim@example.jp' });
  const mail = await simpleParser(mine.raw);
  assert.equal(mail.bcc, undefined);
  assert.equal(mail.headers.has('bcc'), false);
  const body = mine.raw.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n');
  const lines = body.split('\r\n').filter((l) => l !== '' && !l.startsWith('--') && !l.startsWith('Content-'));
  assert.ok(lines.length > 50 && lines.every((l) => /^[A-Za-z0-9+/=]{1,76}$/.test(l)));
});
