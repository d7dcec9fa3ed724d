/**
 * The unsubscribe page: no login, one button (a GET must not unsubscribe by itself, or link
 * scanners would unsubscribe people); the button posts to the same URL, as RFC 8058 clients do.
 */
const TEXT = {
  confirm: { title: '配信停止', body: 'このボタンを押すと、今後このメールアドレス宛てのお知らせを配信しません。', button: '配信を停止する' },
  done: { title: '配信を停止しました', body: '今後お知らせはお送りしません。ご利用ありがとうございました。', button: '' },
  invalid: { title: 'リンクが無効です', body: 'このリンクは無効か、期限切れです。お手数ですがメール本文のリンクからもう一度お試しください。', button: '' },
} as const;

export function unsubscribePage(state: keyof typeof TEXT): string {
  const t = TEXT[state];
  const form = t.button ? `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${t.button}</button></form>` : '';
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${t.title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #c33;background:#c33;color:#fff;cursor:pointer}</style>
</head><body><h1>${t.title}</h1><p>${t.body}</p>${form}</body></html>`;
}
