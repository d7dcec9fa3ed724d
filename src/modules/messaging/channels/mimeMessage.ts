import MimeNode from 'nodemailer/lib/mime-node/index.js';

/**
 * An email's bytes, built in one buffer. nodemailer's composer streams every part of every message
 * through its own chain of transforms (base64 encoder, newline fixer, pass-throughs), which cost
 * more CPU than rendering and the SMTP exchange together: with it, one core sent about 250
 * campaign messages a second. Here the headers are still nodemailer's own (a `MimeNode` encodes
 * non-ASCII words, punycodes and quotes addresses, folds long lines and keeps line breaks out of
 * values), and the body is what nodemailer writes for it: a text part and an HTML part in
 * base64 lines of 76 characters under multipart/alternative, the HTML part alone when there is no text.
 */
export interface MimeInput {
  from: { name: string; address: string };
  replyTo?: string;
  to: string;
  subject: string;
  messageId: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

export interface MimeMessage {
  raw: Buffer;
  /** The SMTP envelope, from the same headers (addresses punycoded as in them). */
  envelope: MimeNode.Envelope;
}

const LINE = 76;
/** Fixed: '-' and '_' are not base64 characters, so no line of a part can be taken for it. */
const BOUNDARY = '--_kizuna-alternative';

export function mimeMessage(input: MimeInput): MimeMessage {
  const parts = [
    { type: 'text/plain; charset=utf-8', content: input.text },
    { type: 'text/html; charset=utf-8', content: input.html },
  ].filter((p) => p.content !== '');
  const single = parts.length === 1 ? parts[0]! : null;
  // Header words in base64 ('B'), as the sends through nodemailer's composer had them.
  // A fixed base boundary: the boundary is ours, and MimeNode would draw random bytes for every message otherwise.
  const root = new MimeNode(single ? single.type : `multipart/alternative; boundary="${BOUNDARY}"`, { textEncoding: 'B', baseBoundary: BOUNDARY });
  root.setHeader(input.headers);
  root.setHeader('From', input.from);
  root.setHeader('To', input.to);
  if (input.replyTo) root.setHeader('Reply-To', input.replyTo);
  root.setHeader('Subject', input.subject);
  root.setHeader('Message-ID', input.messageId);
  if (single) root.setHeader('Content-Transfer-Encoding', 'base64');
  const body = single
    ? base64Lines(single.content)
    : `${parts.map((p) => `--${BOUNDARY}\r\nContent-Type: ${p.type}\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(p.content)}`).join('\r\n')}\r\n--${BOUNDARY}--\r\n`;
  return { raw: Buffer.from(`${root.buildHeaders()}\r\n\r\n${body}`, 'utf8'), envelope: root.getEnvelope() };
}

/** UTF-8 text in base64, in lines of 76 characters joined by CRLF (RFC 2045 §6.8). */
function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return lines.join('\r\n');
}
