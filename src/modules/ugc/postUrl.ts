import { ValidationError } from '../../kernel/errors.ts';

/** SNS hosts we recognise, by platform; subdomains (www., m., vm.) count as their domain. */
const PLATFORMS: [platform: string, domains: string[]][] = [
  ['instagram', ['instagram.com', 'instagr.am']],
  ['x', ['x.com', 'twitter.com']],
  ['tiktok', ['tiktok.com']],
  ['line_voom', ['voom.line.me', 'linevoom.line.me', 'timeline.line.me']],
  ['threads', ['threads.net', 'threads.com']],
  ['facebook', ['facebook.com', 'fb.watch']],
  ['youtube', ['youtube.com', 'youtu.be']],
];

export const KNOWN_PLATFORMS = PLATFORMS.map(([p]) => p);

/**
 * The platform of an SNS post URL: https only, no credentials, a path beyond the home page, and a
 * known host unless the campaign accepts any https URL (platform "web"). Errors name `postUrl`.
 */
export function checkPostUrl(given: string, allowAnyHttps: boolean): { url: string; platform: string } {
  const fail = (message: string): never => {
    throw new ValidationError('Invalid post URL', [{ path: ['postUrl'], message }]);
  };
  const text = given.trim();
  if (text.length > 2000) fail('at most 2000 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('not a URL: paste the link of your post, starting with https://');
  }
  if (url.protocol !== 'https:') fail('must start with https://');
  if (url.username || url.password) fail('must not contain a user name or password');
  if (url.pathname.replace(/\/+$/, '') === '') fail('link to the post itself, not to the home page');
  const host = url.hostname.toLowerCase();
  const known = PLATFORMS.find(([, domains]) => domains.some((d) => host === d || host.endsWith(`.${d}`)));
  if (known) return { url: url.toString(), platform: known[0] };
  if (!allowAnyHttps) fail(`not a post on a supported SNS (${KNOWN_PLATFORMS.join(', ')})`);
  return { url: url.toString(), platform: 'web' };
}
