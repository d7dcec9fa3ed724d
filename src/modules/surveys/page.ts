import type { FieldIssue } from '../../kernel/errors.ts';
import { REQUIRED, scaleOf, textIn } from './questions.ts';
import type { Locale, Question, Survey } from './types.ts';
import { escapeHtml } from '../../lib/html.ts';

/**
 * The hosted survey page: server-rendered, no script, no login, readable on a phone. Every
 * interpolated value goes through `escapeHtml()`. The form posts back to the same URL.
 */
const T = {
  ja: {
    submit: '回答を送信する',
    required: '必須',
    fix: '入力内容をご確認ください。',
    missing: 'この設問にご回答ください。',
    wrong: '回答の形式が正しくありません。',
    thanks: 'ご回答ありがとうございました',
    thanksBody: 'いただいたご意見は、サービスの改善に役立てます。',
    sorry: 'ご不便をおかけし申し訳ありません。担当者より改めてご連絡させていただく場合がございます。',
    promoter: 'うれしいお言葉をありがとうございます！',
    review: 'レビューを書く',
    reviewAsk: 'よろしければ、レビューで感想を共有していただけませんか？',
    referral: '友だちを紹介する',
    referralAsk: 'ご友人にもご紹介いただけるとうれしいです。',
    used: 'このアンケートにはすでにご回答いただいています',
    usedBody: 'ご協力ありがとうございました。回答は1回のみ受け付けています。',
    invalid: 'リンクが無効です',
    invalidBody: 'このリンクは無効です。お手数ですが、届いたメッセージのリンクからもう一度お試しください。',
    expired: '回答期限が過ぎています',
    expiredBody: 'このアンケートの回答期限は終了しました。',
    closed: 'このアンケートは終了しました',
    closedBody: 'ご協力ありがとうございました。',
    limited: 'しばらくしてからお試しください',
    limitedBody: '短時間に多くの回答が送信されました。時間をおいて再度お試しください。',
    notLikely: 'まったくおすすめしない',
    likely: 'ぜひおすすめしたい',
    dissatisfied: '不満',
    satisfied: '満足',
    hard: '難しい',
    easy: 'かんたん',
    language: 'English',
  },
  en: {
    submit: 'Send',
    required: 'required',
    fix: 'Please check your answers.',
    missing: 'Please answer this question.',
    wrong: 'This answer is not valid.',
    thanks: 'Thank you for your feedback',
    thanksBody: 'We read every answer and use it to improve.',
    sorry: 'We are sorry about your experience. Someone from our team may get in touch with you.',
    promoter: 'Thank you for the kind words!',
    review: 'Write a review',
    reviewAsk: 'Would you share your experience in a review?',
    referral: 'Invite a friend',
    referralAsk: 'We would love it if you told your friends about us.',
    used: 'You have already answered this survey',
    usedBody: 'Thank you. Each link takes one answer.',
    invalid: 'This link is not valid',
    invalidBody: 'Please open the link from the message you received again.',
    expired: 'This survey link has expired',
    expiredBody: 'The time to answer this survey has passed.',
    closed: 'This survey is closed',
    closedBody: 'Thank you for your interest.',
    limited: 'Please try again later',
    limitedBody: 'Too many answers were sent in a short time. Please try again in a while.',
    notLikely: 'Not at all likely',
    likely: 'Extremely likely',
    dissatisfied: 'Dissatisfied',
    satisfied: 'Satisfied',
    hard: 'Very difficult',
    easy: 'Very easy',
    language: '日本語',
  },
} as const;
export type PageText = Record<keyof typeof T.en, string>;

export type PageState = 'used' | 'invalid' | 'expired' | 'closed' | 'limited';

/**
 * No scripts at all; styles inline (one <style> element, no script can add more); posts only to
 * ourselves. The widget (`?embed=1`) may be framed by the workspace's own sites (`embedOrigins`
 * in the survey settings) and nowhere else; every other page by nothing.
 */
export function pageSecurityHeaders(frameAncestors: readonly string[] = []): Record<string, string> {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'";
  return {
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors ${ancestors}`,
    ...(frameAncestors.length > 0 ? {} : { 'x-frame-options': 'DENY' }),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/** ?lang= first, then the customer's locale, then the browser's Accept-Language, then the survey's. */
export function chooseLocale(options: { query?: string; customer?: string | null; acceptLanguage?: string; survey: Locale }): Locale {
  const pick = (v: string | null | undefined): Locale | undefined => (v ? (/^ja\b/i.test(v) ? 'ja' : /^en\b/i.test(v) ? 'en' : undefined) : undefined);
  const fromHeader = options.acceptLanguage
    ?.split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q)
    .map((x) => pick(x.tag))
    .find(Boolean);
  return pick(options.query) ?? pick(options.customer) ?? fromHeader ?? options.survey;
}

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;background:#f6f7f9;color:#1d2430;line-height:1.6}
main{max-width:36rem;margin:0 auto;padding:1.25rem 1rem 3rem}h1{font-size:1.35rem;margin:.5rem 0 1.25rem}.lang{text-align:right;font-size:.9rem}.lang a{color:#1f5fbf}
fieldset{border:0;margin:0 0 1.5rem;padding:1rem;background:#fff;border-radius:.6rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}legend{font-weight:600;padding:0;margin-bottom:.6rem;float:left;width:100%}
.req{color:#b42318;font-size:.8rem;margin-left:.4rem}.scale{display:grid;grid-template-columns:repeat(auto-fit,minmax(2.6rem,1fr));gap:.35rem;clear:both}
.scale label{display:block}.scale input{position:absolute;opacity:0}.scale span{display:block;text-align:center;padding:.65rem 0;border:1px solid #b8c0cc;border-radius:.4rem;background:#fff;font-weight:600;cursor:pointer}
.scale input:checked+span{background:#1f5fbf;border-color:#1f5fbf;color:#fff}.scale input:focus-visible+span{outline:3px solid #f5a524;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.8rem;color:#555;margin-top:.3rem;clear:both}.choice{display:block;padding:.4rem 0;clear:both}
textarea{width:100%;min-height:7rem;font:inherit;padding:.6rem;border:1px solid #b8c0cc;border-radius:.4rem;clear:both;display:block}
button,.button{display:inline-block;width:100%;font-size:1.05rem;padding:.8rem 1rem;border-radius:.5rem;border:0;background:#1f5fbf;color:#fff;cursor:pointer;text-align:center;text-decoration:none;margin:.4rem 0}
.error{color:#b42318;font-size:.9rem;clear:both}.alert{background:#fdecea;color:#7a1c13;padding:.75rem 1rem;border-radius:.4rem;margin-bottom:1rem}.card{background:#fff;padding:1.25rem;border-radius:.6rem}`;

function shell(locale: Locale, title: string, body: string, switchTo: string | null): string {
  const other: Locale = locale === 'ja' ? 'en' : 'ja';
  const lang = switchTo === null ? '' : `<p class="lang"><a href="${escapeHtml(switchTo)}" hreflang="${other}" lang="${other}">${T[locale].language}</a></p>`;
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${lang}${body}</main></body></html>`;
}

/** The URL of the page in the other language (the query keeps everything but lang). */
export function switchUrl(path: string, locale: Locale): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${locale === 'ja' ? 'en' : 'ja'}`;
}

function scaleEnds(q: Question, t: PageText): [string, string] {
  if (q.type === 'nps') return [t.notLikely, t.likely];
  if (q.type === 'ces') return [t.hard, t.easy];
  return [t.dissatisfied, t.satisfied];
}

function questionHtml(q: Question, locale: Locale, value: unknown, error: string | undefined): string {
  const t = T[locale];
  const name = `q_${q.id}`;
  const legend = `<legend id="${name}-label">${escapeHtml(textIn(q.label, locale))}${q.required ? `<span class="req">${t.required}</span>` : ''}</legend>`;
  const err = error ? `<p class="error" id="${name}-error" role="alert">${escapeHtml(error)}</p>` : '';
  const described = error ? ` aria-describedby="${name}-error"` : '';
  const scale = scaleOf(q);
  let control: string;
  if (scale) {
    const options = [];
    for (let v = scale.min; v <= scale.max; v++) {
      options.push(`<label><input type="radio" name="${name}" value="${v}"${String(value) === String(v) ? ' checked' : ''}${q.required ? ' required' : ''}${described}><span>${v}</span></label>`);
    }
    const [low, high] = scaleEnds(q, t);
    control = `<div class="scale" role="radiogroup" aria-labelledby="${name}-label">${options.join('')}</div><div class="ends" aria-hidden="true"><span>${scale.min}: ${escapeHtml(low)}</span><span>${scale.max}: ${escapeHtml(high)}</span></div>`;
  } else if (q.type === 'text') {
    control = `<textarea name="${name}" aria-labelledby="${name}-label" maxlength="5000"${q.required ? ' required' : ''}${described}>${escapeHtml(typeof value === 'string' ? value : '')}</textarea>`;
  } else {
    const chosen = new Set(Array.isArray(value) ? value : value === undefined ? [] : [value]);
    const type = q.type === 'single' ? 'radio' : 'checkbox';
    control = q
      .options!.map((o) => `<label class="choice"><input type="${type}" name="${name}" value="${escapeHtml(o.id)}"${chosen.has(o.id) ? ' checked' : ''}${described}> ${escapeHtml(textIn(o.label, locale))}</label>`)
      .join('');
  }
  return `<fieldset>${legend}${control}${err}</fieldset>`;
}

export function surveyFormPage(
  survey: Pick<Survey, 'title' | 'questions'>,
  locale: Locale,
  path: string,
  previous: { values?: Record<string, unknown>; issues?: FieldIssue[] } = {},
): string {
  const t = T[locale];
  const errors = new Map((previous.issues ?? []).map((i) => [String(i.path[1] ?? ''), i.message === REQUIRED ? t.missing : t.wrong]));
  const alert = errors.size > 0 ? `<p class="alert" role="alert">${t.fix}</p>` : '';
  const title = textIn(survey.title, locale);
  const fields = survey.questions.map((q) => questionHtml(q, locale, previous.values?.[q.id], errors.get(q.id))).join('');
  return shell(
    locale,
    title,
    `<h1>${escapeHtml(title)}</h1>${alert}<form method="post" action="${escapeHtml(path)}" novalidate><input type="hidden" name="lang" value="${locale}">${fields}<button type="submit">${t.submit}</button></form>`,
    switchUrl(path, locale),
  );
}

export function thanksPage(locale: Locale, outcome: { category: 'promoter' | 'passive' | 'detractor' | null; reviewUrl: string | null; referralUrl: string | null }): string {
  const t = T[locale];
  let body = `<div class="card"><h1>${outcome.category === 'promoter' ? t.promoter : t.thanks}</h1><p>${t.thanksBody}</p>`;
  if (outcome.category === 'detractor') body += `<p>${t.sorry}</p>`;
  if (outcome.category === 'promoter' && outcome.reviewUrl) body += `<p>${t.reviewAsk}</p><a class="button" href="${escapeHtml(outcome.reviewUrl)}" rel="noopener">${t.review}</a>`;
  if (outcome.category === 'promoter' && outcome.referralUrl) body += `<p>${t.referralAsk}</p><a class="button" href="${escapeHtml(outcome.referralUrl)}" rel="noopener">${t.referral}</a>`;
  return shell(locale, t.thanks, `${body}</div>`, null);
}

export function statePage(locale: Locale, state: PageState): string {
  const t = T[locale];
  const [title, body] = { used: [t.used, t.usedBody], invalid: [t.invalid, t.invalidBody], expired: [t.expired, t.expiredBody], closed: [t.closed, t.closedBody], limited: [t.limited, t.limitedBody] }[state];
  return shell(locale, title, `<div class="card"><h1>${title}</h1><p>${body}</p></div>`, null);
}
