/**
 * Whether an open is a machine's: flagged so by the provider (SendGrid's `sg_machine_open`), or
 * fetched within seconds of delivery by a known image proxy. Apple Mail Privacy Protection fetches
 * every image of a message through Apple's proxy when it arrives, with the bare user agent
 * "Mozilla/5.0", whether or not the person ever reads it; Google's and Yahoo's proxies fetch when
 * the message is shown, so an open long after delivery through them is a person's. The rule is a
 * heuristic: a person who opens within the first seconds through a proxy counts as a machine.
 */
export const MACHINE_OPEN_SECONDS = 30;

const PROXY_AGENTS = [/^Mozilla\/5\.0$/, /GoogleImageProxy/i, /YahooMailProxy/i];

export function isMachineOpen(open: { providerFlag?: boolean; userAgent?: string | null; sentAt: Date | null; at: Date }): boolean {
  if (open.providerFlag) return true;
  const agent = open.userAgent?.trim();
  if (!agent || !PROXY_AGENTS.some((p) => p.test(agent)) || !open.sentAt) return false;
  const seconds = (open.at.getTime() - open.sentAt.getTime()) / 1000;
  return seconds >= 0 && seconds <= MACHINE_OPEN_SECONDS;
}
