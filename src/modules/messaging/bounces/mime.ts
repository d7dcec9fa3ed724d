/**
 * Just enough MIME for delivery reports: header blocks (unfolded, names lower-cased) and the parts
 * of a multipart body. mailparser folds message/delivery-status into the text and drops some
 * message/rfc822 parts of a report, so reports are split here.
 */
export type Headers = Map<string, string[]>;

export interface Part {
  headers: Headers;
  contentType: string;
  params: Record<string, string>;
  body: string;
}

/** Header fields of a block ("Name: value" lines, continuation lines folded in); a name may repeat. */
export function parseHeaders(block: string): Headers {
  const headers: Headers = new Map();
  for (const line of block.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

export const header = (h: Headers, name: string): string | undefined => h.get(name.toLowerCase())?.[0];

/** A message or part: its header block and its body. */
export function splitMessage(raw: string): { headers: Headers; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  return end < 0 ? { headers: parseHeaders(text), body: '' } : { headers: parseHeaders(text.slice(0, end)), body: text.slice(end + 2) };
}

/** "multipart/report; report-type=delivery-status; boundary=…" → type and parameters. */
export function contentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type!.trim().toLowerCase(), params };
}

function decode(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    default:
      return body;
  }
}

/** The parts of a multipart body, each decoded; nested multiparts are flattened in order. */
export function parts(raw: string): { headers: Headers; type: string; params: Record<string, string>; parts: Part[] } {
  const { headers, body } = splitMessage(raw);
  const ct = contentType(header(headers, 'content-type'));
  return { headers, type: ct.type, params: ct.params, parts: ct.type.startsWith('multipart/') && ct.params.boundary ? splitParts(body, ct.params.boundary) : [] };
}

function splitParts(body: string, boundary: string): Part[] {
  const out: Part[] = [];
  const chunks = body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:--)?[ \t]*$`, 'm'));
  // The preamble and the epilogue are not parts.
  for (const chunk of chunks.slice(1, -1)) {
    const { headers, body: partBody } = splitMessage(chunk.replace(/^\n/, ''));
    const ct = contentType(header(headers, 'content-type'));
    const decoded = decode(partBody, header(headers, 'content-transfer-encoding'));
    if (ct.type.startsWith('multipart/') && ct.params.boundary) out.push(...splitParts(decoded, ct.params.boundary));
    else out.push({ headers, contentType: ct.type, params: ct.params, body: decoded });
  }
  return out;
}

/** Field groups of a message/delivery-status or message/feedback-report body (blank-line separated). */
export function fieldGroups(body: string): Headers[] {
  return body
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((g) => parseHeaders(g))
    .filter((h) => h.size > 0);
}

/** "rfc822; a@b.jp" → a@b.jp; "<a@b.jp>" → a@b.jp. */
export function addressOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.replace(/^[^;<@]*;\s*/, '').trim();
  const m = /<([^>]+)>/.exec(v);
  return (m ? m[1]! : v).trim().toLowerCase() || undefined;
}
