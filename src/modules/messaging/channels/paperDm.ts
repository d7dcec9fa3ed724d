import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { ProviderError, type Messenger, type OutboundMessage } from '../messenger.ts';
import { formatPostalCode, renderPostcards, type PostcardItem } from '../pdf/postcards.ts';
import type { DmBatchStore } from '../dmBatches.ts';
import type { MessagingSettings } from '../settings.ts';

const CSV_HEADER = ['管理番号', '郵便番号', '都道府県', '市区町村', '番地', '建物', '氏名', '敬称', 'カード', 'クーポンコード', 'ページ'];

/**
 * Paper DM: each claimed batch becomes one print-ready PDF (postcards, two pages each) and the
 * mail house's CSV beside it (UTF-8 with BOM, which Excel opens correctly), kept in the workspace's
 * DM batch store (dmBatches.ts: under the data directory, downloaded through the API). The CSV's 管理番号 is the delivery
 * id: a batch printed again after a crash is recognisable.
 */
export class PaperDmMessenger implements Messenger {
  readonly channel = 'dm' as const;
  constructor(
    private readonly store: DmBatchStore,
    private readonly workspaceId: string,
    private readonly sender: MessagingSettings['sender'],
  ) {}

  async send(message: OutboundMessage): Promise<{ providerId: string }> {
    const [result] = await this.sendBatch([message]);
    if (result instanceof ProviderError) throw result;
    return result!;
  }

  async sendBatch(messages: OutboundMessage[]): Promise<({ providerId: string } | ProviderError)[]> {
    const items: PostcardItem[] = messages.map((m) => {
      if (m.content.channel !== 'dm') throw new Error(`paper DM messenger got ${m.content.channel} content`);
      return { key: m.key, card: m.content.card, message: m.content.message, couponCode: m.content.couponCode, recipient: m.content.recipient };
    });
    const batch = `dm-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    try {
      const pdf = await renderPostcards(items, { name: this.sender.name, postalAddress: this.sender.postalAddress, postalCode: this.sender.postalCode });
      const csv = `\uFEFF${stringify([
        CSV_HEADER,
        ...items.map((i, n) => {
          const r = i.recipient;
          return [i.key, formatPostalCode(r.postalCode), r.prefecture, r.city, r.addressLine1, r.addressLine2 ?? '', r.name, '様', i.card, i.couponCode ?? '', String(2 * n + 1)];
        }),
      ], { escape_formulas: true })}`;
      await this.store.write(this.workspaceId, batch, { pdf, csv });
    } catch (err) {
      const error = new ProviderError(`paper DM batch could not be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'write_failed', true);
      return messages.map(() => error);
    }
    return items.map((_, n) => ({ providerId: `${batch}.pdf#${2 * n + 1}` }));
  }

  async close(): Promise<void> {}
}
