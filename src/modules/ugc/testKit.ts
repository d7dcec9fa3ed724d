import { randomBytes } from 'node:crypto';

/** A real 1×1 PNG: detected as image/png by its magic bytes, and displayable in a browser. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A multipart/form-data body as a browser sends it; the file's name and type are whatever the caller claims. */
export function multipart(fields: Record<string, string>, file?: { field?: string; name: string; type: string; bytes: Buffer }): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kizuna${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'photo'}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    chunks.push(file.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An open photo campaign in both languages; `overrides` replace top-level settings. */
export function campaignBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Summer photo contest',
    texts: {
      ja: { title: '夏の思い出フォトコンテスト', description: '夏の写真を投稿してください。', consent: '投稿された写真を当社のウェブサイトやSNSで紹介することに同意します。', thanks: 'ご応募ありがとうございます！' },
      en: { title: 'Summer memories photo contest', description: 'Share your summer photo.', consent: 'I agree that the shop may show my photo on its website and social media.', thanks: 'Thanks for entering!' },
    },
    defaultLocale: 'ja',
    hashtag: '#夏の思い出',
    status: 'active',
    startsAt: new Date(Date.now() - 3_600_000).toISOString(),
    reward: { kind: 'points', points: 100 },
    maxEntriesPerCustomer: 2,
    maxRewardsPerCustomer: 1,
    ...overrides,
  };
}
