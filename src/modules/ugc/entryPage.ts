import { MAX_PHOTO_BYTES } from './media.ts';
import type { Campaign, Locale } from './types.ts';
import { escapeHtml } from '../../lib/html.ts';

/**
 * The public entry page: server-rendered, no script at all (the CSP forbids it), readable on a
 * phone, in Japanese or English. Every value from the campaign or the visitor is escaped.
 */
const UI = {
  ja: {
    hashtag: 'ハッシュタグ',
    hashtagHint: 'SNSに投稿するときは {tag} を付けてください。',
    email: 'メールアドレス',
    emailHint: '当選やポイント付与のご連絡に使います。',
    enteringAs: '{who} として応募します。',
    photo: '写真',
    photoHint: 'JPEG・PNG・WebP・HEIC、{mb}MBまで。',
    postUrl: '投稿のURL',
    postUrlHint: '対応SNS: Instagram、X（旧Twitter）、TikTok、LINE VOOM ほか。',
    or: 'または',
    caption: 'ひとこと（任意）',
    consent: '上記の内容に同意します',
    consentHeading: 'コンテンツの利用について',
    submit: '応募する',
    errorSummary: '応募できませんでした。',
    done: 'ご応募ありがとうございます',
    doneBody: '内容を確認のうえ、承認された応募が特典の対象になります。',
    closed: 'このキャンペーンは現在応募を受け付けていません。',
    notStarted: 'このキャンペーンはまだ始まっていません。',
    invalidLink: 'このリンクは無効か、有効期限が切れています。届いたメッセージのリンクからもう一度お試しください。',
    personalOnly: 'このキャンペーンには、お送りしたメッセージのリンクから応募してください。',
    survey: 'このキャンペーンには、アンケートにお答えいただくことで応募できます。お送りしたメッセージのアンケートのリンクからご回答ください。',
    notFound: 'キャンペーンが見つかりません。',
    period: '応募期間',
    language: '言語',
    rewardPoints: '承認された応募に{points}ポイントを進呈します。',
    rewardCoupon: '承認された応募にクーポンを進呈します。',
    cap: '応募はお一人様{n}回までです。',
  },
  en: {
    hashtag: 'Hashtag',
    hashtagHint: 'Add {tag} when you post on social media.',
    email: 'Email address',
    emailHint: 'We use it to tell you about your reward.',
    enteringAs: 'Entering as {who}.',
    photo: 'Photo',
    photoHint: 'JPEG, PNG, WebP or HEIC, up to {mb} MB.',
    postUrl: 'Link to your post',
    postUrlHint: 'Instagram, X (Twitter), TikTok, LINE VOOM and more.',
    or: 'or',
    caption: 'A few words (optional)',
    consent: 'I agree to the above',
    consentHeading: 'Use of your content',
    submit: 'Enter',
    errorSummary: 'Your entry was not sent.',
    done: 'Thank you for your entry',
    doneBody: 'We review every entry; approved entries receive the reward.',
    closed: 'This campaign is not accepting entries.',
    notStarted: 'This campaign has not started yet.',
    invalidLink: 'This link is invalid or has expired. Please open the link in the message you received again.',
    personalOnly: 'Please enter through the link in the message we sent you.',
    survey: 'You enter this campaign by answering our survey: please use the survey link in the message we sent you.',
    notFound: 'Campaign not found.',
    period: 'Entry period',
    language: 'Language',
    rewardPoints: 'Approved entries receive {points} points.',
    rewardCoupon: 'Approved entries receive a coupon.',
    cap: 'Up to {n} entries per person.',
  },
} as const;

/** Field-level messages, by the field an error names and the HTTP status. */
const FIELD_ERRORS: Record<Locale, Record<string, string>> = {
  ja: {
    consent: 'コンテンツの利用に同意いただける場合はチェックを入れてください。',
    email: 'メールアドレスを正しく入力してください。',
    postUrl: '投稿のURLを https:// から始まる形で入力してください（対応SNSの投稿に限ります）。',
    photo: '写真を選ぶか、投稿のURLを入力してください。',
    photo415: 'JPEG・PNG・WebP・HEIC形式の画像を選んでください。',
    photo413: `画像のサイズは${MAX_PHOTO_BYTES / 1024 / 1024}MBまでです。`,
    caption: 'ひとことは1000文字以内で入力してください。',
    cap: 'このキャンペーンへの応募回数の上限に達しています。',
    rate: '短い時間に多くの応募がありました。しばらくしてからもう一度お試しください。',
    other: '入力内容をご確認のうえ、もう一度お試しください。',
  },
  en: {
    consent: 'Tick the box if you agree to the use of your content.',
    email: 'Enter a valid email address.',
    postUrl: 'Enter the link to your post, starting with https:// (supported social networks only).',
    photo: 'Choose a photo or enter the link to your post.',
    photo415: 'Choose a JPEG, PNG, WebP or HEIC image.',
    photo413: `The photo must be ${MAX_PHOTO_BYTES / 1024 / 1024} MB or smaller.`,
    caption: 'Keep your words under 1000 characters.',
    cap: 'You have already entered this campaign as many times as allowed.',
    rate: 'Too many entries in a short time. Please try again in a few minutes.',
    other: 'Please check what you entered and try again.',
  },
};

export type PageState =
  | { kind: 'form'; values?: FormValues; error?: PageError }
  | { kind: 'done' }
  | { kind: 'closed'; notStarted: boolean }
  | { kind: 'invalidLink' }
  | { kind: 'personalOnly' }
  | { kind: 'survey' };

export interface FormValues {
  email?: string;
  postUrl?: string;
  caption?: string;
}

/** An error to show: the field it concerns (if any) and the HTTP status it came with. */
export interface PageError {
  field?: string;
  status: number;
}

export interface PageContext {
  campaign: Campaign;
  locale: Locale;
  token?: string;
  /** Who the token names, masked (h***@example.jp), so the visitor knows the link is theirs. */
  entrant?: string;
  basePath: string;
}

export function errorText(locale: Locale, error: PageError): string {
  const t = FIELD_ERRORS[locale];
  if (error.status === 429) return t.rate!;
  if (error.status === 409) return t.cap!;
  if (error.field === 'photo' && (error.status === 413 || error.status === 415)) return t[`photo${error.status}`]!;
  if (error.status === 413) return t.photo413!;
  return (error.field && t[error.field]) || t.other!;
}

export function entryPage(ctx: PageContext, state: PageState): string {
  const { campaign, locale } = ctx;
  const ui = UI[locale];
  const texts = campaign.texts[locale] ?? campaign.texts[campaign.defaultLocale]!;
  const other = (['ja', 'en'] as const).filter((l) => l !== locale && campaign.texts[l]);
  const link = (l: Locale) => `${ctx.basePath}?${new URLSearchParams({ ...(ctx.token ? { t: ctx.token } : {}), lang: l })}`;
  const switcher = other.length
    ? `<nav class="lang" aria-label="${ui.language}">${other.map((l) => `<a href="${escapeHtml(link(l))}" lang="${l}" hreflang="${l}">${l === 'ja' ? '日本語' : 'English'}</a>`).join(' ')}</nav>`
    : '';
  const head = `<header>${switcher}<h1>${escapeHtml(texts.title)}</h1></header>`;
  let body: string;
  switch (state.kind) {
    case 'done':
      body = `<section class="done" role="status"><h2>${ui.done}</h2><p>${escapeHtml(texts.thanks) || ui.doneBody}</p></section>`;
      break;
    case 'closed':
      body = `<p class="notice">${state.notStarted ? ui.notStarted : ui.closed}</p>`;
      break;
    case 'invalidLink':
      body = `<p class="notice" role="alert">${ui.invalidLink}</p>`;
      break;
    case 'personalOnly':
      body = `<p class="notice">${ui.personalOnly}</p>`;
      break;
    case 'survey':
      body = `${description(ctx, texts.description)}<p class="notice">${ui.survey}</p>`;
      break;
    case 'form':
      body = `${description(ctx, texts.description)}${form(ctx, texts.consent, state.values ?? {}, state.error)}`;
      break;
  }
  return page(locale, texts.title, `${head}${body}`);
}

export function notFoundPage(locale: Locale): string {
  return page(locale, UI[locale].notFound, `<p class="notice">${UI[locale].notFound}</p>`);
}

function description(ctx: PageContext, text: string): string {
  const ui = UI[ctx.locale];
  const { campaign } = ctx;
  const fmt = new Intl.DateTimeFormat(ctx.locale === 'ja' ? 'ja-JP' : 'en-US', { dateStyle: 'medium', timeZone: 'Asia/Tokyo' });
  const period = campaign.endsAt ? `<p class="muted">${ui.period}: ${fmt.format(campaign.startsAt)} – ${fmt.format(campaign.endsAt)}</p>` : '';
  const tag = campaign.hashtag ? `<p class="hashtag"><span class="muted">${ui.hashtag}</span> <strong>#${escapeHtml(campaign.hashtag)}</strong></p>` : '';
  const points = campaign.reward.kind === 'points' ? new Intl.NumberFormat(ctx.locale).format(campaign.reward.points) : '';
  const reward = campaign.reward.kind === 'points' ? ui.rewardPoints.replace('{points}', points) : campaign.reward.kind === 'coupon' ? ui.rewardCoupon : '';
  const terms = [reward, ui.cap.replace('{n}', String(campaign.maxEntriesPerCustomer))].filter(Boolean).join(' ');
  return `${text ? `<div class="description">${escapeHtml(text).replace(/\n/g, '<br>')}</div>` : ''}${tag}${period}<p class="muted">${escapeHtml(terms)}</p>`;
}

function form(ctx: PageContext, consentText: string, values: FormValues, error: PageError | undefined): string {
  const ui = UI[ctx.locale];
  const { campaign } = ctx;
  const invalid = (field: string) => (error?.field === field ? ' aria-invalid="true" aria-describedby="error"' : '');
  const fieldError = (field: string) => (error?.field === field ? `<p class="field-error">${escapeHtml(errorText(ctx.locale, error))}</p>` : '');
  const parts: string[] = [];
  if (error) parts.push(`<div id="error" class="error" role="alert"><strong>${ui.errorSummary}</strong> ${escapeHtml(errorText(ctx.locale, error))}</div>`);
  if (ctx.token) {
    parts.push(`<input type="hidden" name="t" value="${escapeHtml(ctx.token)}">`);
    if (ctx.entrant) parts.push(`<p class="muted">${escapeHtml(ui.enteringAs.replace('{who}', ctx.entrant))}</p>`);
  } else {
    parts.push(`<div class="field"><label for="email">${ui.email}</label><input id="email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="320" value="${escapeHtml(values.email ?? '')}"${invalid('email')}><p class="hint">${ui.emailHint}</p>${fieldError('email')}</div>`);
  }
  if (campaign.acceptsPhoto) {
    parts.push(`<div class="field"><label for="photo">${ui.photo}</label><input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/heif"${invalid('photo')}><p class="hint">${escapeHtml(ui.photoHint.replace('{mb}', String(MAX_PHOTO_BYTES / 1024 / 1024)))}</p>${fieldError('photo')}</div>`);
  }
  if (campaign.acceptsPhoto && campaign.acceptsUrl) parts.push(`<p class="or">${ui.or}</p>`);
  if (campaign.acceptsUrl) {
    const hint = campaign.allowAnyHttps ? '' : `<p class="hint">${ui.postUrlHint}</p>`;
    parts.push(`<div class="field"><label for="postUrl">${ui.postUrl}</label><input id="postUrl" name="postUrl" type="url" inputmode="url" maxlength="2000" placeholder="https://" value="${escapeHtml(values.postUrl ?? '')}"${invalid('postUrl')}>${hint}${fieldError('postUrl')}</div>`);
  }
  if (campaign.hashtag) parts.push(`<p class="hint">${escapeHtml(ui.hashtagHint.replace('{tag}', `#${campaign.hashtag}`))}</p>`);
  parts.push(`<div class="field"><label for="caption">${ui.caption}</label><textarea id="caption" name="caption" rows="3" maxlength="1000"${invalid('caption')}>${escapeHtml(values.caption ?? '')}</textarea>${fieldError('caption')}</div>`);
  parts.push(
    `<fieldset class="consent"><legend>${ui.consentHeading}</legend><p class="consent-text">${escapeHtml(consentText).replace(/\n/g, '<br>')}</p>` +
      `<input type="hidden" name="lang" value="${ctx.locale}">` +
      `<label class="check"><input type="checkbox" name="consent" value="yes" required${invalid('consent')}> ${ui.consent}</label>${fieldError('consent')}</fieldset>`,
  );
  parts.push(`<button type="submit">${ui.submit}</button>`);
  return `<form method="post" action="${escapeHtml(`${ctx.basePath}?lang=${ctx.locale}`)}" enctype="multipart/form-data" novalidate>${parts.join('')}</form>`;
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:36rem;margin:0 auto;padding:1rem 1rem 3rem;color:#1d1d1f;line-height:1.6;background:#fafafa}
h1{font-size:1.4rem;margin:.5rem 0 1rem}h2{font-size:1.2rem}.lang{text-align:right;font-size:.9rem}.lang a{color:#0b57d0}
.description{margin-bottom:1rem}.muted,.hint{color:#555;font-size:.875rem;margin:.25rem 0}.hashtag{font-size:1.05rem}
.field{margin:1rem 0}label{display:block;font-weight:600;margin-bottom:.25rem}input[type=email],input[type=url],textarea,input[type=file]{width:100%;font:inherit;padding:.6rem;border:1px solid #888;border-radius:.4rem;background:#fff}
input:focus,textarea:focus,button:focus{outline:3px solid #0b57d0;outline-offset:2px}[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.or{text-align:center;color:#555;margin:.25rem 0}.consent{border:1px solid #ccc;border-radius:.4rem;padding:.75rem;margin:1rem 0;background:#fff}.consent legend{font-weight:600;padding:0 .25rem}
.consent-text{font-size:.9rem;max-height:12rem;overflow:auto}.check{display:flex;gap:.5rem;align-items:center;font-weight:600}.check input{width:1.4rem;height:1.4rem}
button{width:100%;font-size:1.05rem;padding:.8rem;border-radius:.5rem;border:0;background:#0b57d0;color:#fff;cursor:pointer;font-weight:600}
.error{border:2px solid #b3261e;background:#fdecea;color:#5f1410;padding:.75rem;border-radius:.4rem}.field-error{color:#b3261e;font-size:.9rem;margin:.25rem 0}
.notice{padding:1rem;background:#fff;border:1px solid #ccc;border-radius:.4rem}.done{padding:1rem;background:#e8f5e9;border-radius:.4rem}`;

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** Shows who a link is for without revealing the address to someone who finds the link. */
export function maskEmail(email: string): string {
  const [user, domain] = email.split('@');
  return `${(user ?? '').slice(0, 1)}***@${domain ?? ''}`;
}

