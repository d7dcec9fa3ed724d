import { SMTPServer } from 'smtp-server';
import { ValidationError } from '../../../kernel/errors.ts';
import type { Feedback, IngestResult } from './feedback.ts';

export interface FeedbackListener {
  port: number;
  close(): Promise<void>;
}

/** A report bigger than this is refused at DATA (552): DSNs and ARF reports are a few KB plus the quoted message. */
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * An inbound SMTP endpoint for bounces and complaints: the MX (or a forward from the mailbox in
 * the Return-Path, or the feedback-loop address) delivers here, and each message is read as a DSN
 * or an ARF report for `workspaceId`. Anything else is accepted and dropped (refusing it would
 * bounce to a sender who never wrote to us). No authentication: bind it to an internal address
 * behind the MTA, or firewall it to the provider's relays.
 */
export async function listenForFeedback(
  feedback: Pick<Feedback, 'ingestEmail'>,
  options: { workspaceId: string; port: number; host?: string; onReport?: (r: (IngestResult & { format: string }) | { format: 'ignored'; reason: string }) => void },
): Promise<FeedbackListener> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: MAX_BYTES,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
        feedback.ingestEmail(options.workspaceId, Buffer.concat(chunks).toString('utf8')).then(
          (result) => {
            options.onReport?.(result);
            callback();
          },
          (err: Error) => {
            if (err instanceof ValidationError) {
              options.onReport?.({ format: 'ignored', reason: err.message });
              return callback();
            }
            // Our trouble (database down): 451 asks the MTA to try again later.
            callback(Object.assign(new Error('4.3.0 Temporary failure, try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
