import { createRequire } from 'node:module';
import path from 'node:path';
import { formatPostalCode } from '../../../lib/japanese.ts';
import type { PostalRecipient } from '../messenger.ts';

/** Noto Sans JP (OFL) from the @embedpdf/fonts-jp package: ships with the dependencies, embedded as a subset. */
const FONT = path.join(path.dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-jp')), '..', 'fonts', 'NotoSansJP-Regular.otf');
const FONT_BOLD = path.join(path.dirname(FONT), 'NotoSansJP-Bold.otf');

/** はがき: 100 × 148 mm, in points. */
const MM = 72 / 25.4;
const WIDTH = 100 * MM;
const HEIGHT = 148 * MM;

export interface PostcardItem {
  key: string;
  card: 'birthday' | 'coupon';
  message: string;
  couponCode: string | null;
  recipient: PostalRecipient;
}

export interface ReturnAddress {
  name: string;
  postalAddress: string;
  postalCode?: string;
}

const TITLES = { birthday: 'お誕生日おめでとうございます', coupon: '特別クーポンのご案内' } as const;

export { formatPostalCode };

/**
 * A print-ready batch: two pages per card, the address side (〒, 都道府県 市区町村 番地, 建物, 氏名 様,
 * the sender's return address) and the message side (birthday or coupon card). Page 2n + 1 is the
 * address side of item n.
 */
export async function renderPostcards(items: PostcardItem[], from: ReturnAddress): Promise<Buffer> {
  // Imported on first use (see mjmlToHtml): PDFKit costs every process a few hundred ms to load.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: [WIDTH, HEIGHT], margin: 0, autoFirstPage: false, info: { Title: 'Kizuna DM batch', Producer: 'Kizuna' } });
  doc.registerFont('jp', FONT);
  doc.registerFont('jp-bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const item of items) {
    addressSide(doc, item.recipient, from);
    messageSide(doc, item);
  }
  doc.end();
  return done;
}

function addressSide(doc: PDFKit.PDFDocument, to: PostalRecipient, from: ReturnAddress): void {
  doc.addPage();
  const left = 12 * MM;
  doc.font('jp').fontSize(14).text(`〒${formatPostalCode(to.postalCode)}`, 44 * MM, 12 * MM);
  doc.fontSize(11).text(`${to.prefecture}${to.city}${to.addressLine1}`, left, 32 * MM, { width: WIDTH - 2 * left });
  if (to.addressLine2) doc.text(to.addressLine2, { width: WIDTH - 2 * left });
  doc.font('jp-bold').fontSize(18).text(`${to.name} 様`, left, 62 * MM, { width: WIDTH - 2 * left, align: 'center' });
  doc.font('jp').fontSize(8);
  const fromTop = HEIGHT - 30 * MM;
  if (from.postalCode) doc.text(`〒${formatPostalCode(from.postalCode)}`, left, fromTop);
  doc.text(from.postalAddress, left, from.postalCode ? undefined : fromTop, { width: WIDTH - 2 * left });
  doc.text(from.name, { width: WIDTH - 2 * left });
}

function messageSide(doc: PDFKit.PDFDocument, item: PostcardItem): void {
  doc.addPage();
  const left = 10 * MM;
  const width = WIDTH - 2 * left;
  doc.font('jp-bold').fontSize(15).text(TITLES[item.card], left, 16 * MM, { width, align: 'center' });
  doc.font('jp').fontSize(10.5).text(item.message, left, 36 * MM, { width, lineGap: 3 });
  if (item.couponCode) {
    const top = HEIGHT - 48 * MM;
    doc.rect(left, top, width, 22 * MM).lineWidth(1).dash(4, { space: 3 }).stroke().undash();
    doc.fontSize(9).text('クーポンコード', left, top + 3 * MM, { width, align: 'center' });
    doc.font('jp-bold').fontSize(18).text(item.couponCode, left, top + 9 * MM, { width, align: 'center' });
  }
}
