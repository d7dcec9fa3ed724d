/** What templates see. Keys are snake_case, as Liquid users expect from Shopify. */
export interface RenderScope {
  customer: Record<string, unknown>;
  coupon: { code: string } | null;
  recommendations: { name: string | null; sku: string; category: string | null; price: number | null }[];
  campaign: { id: string; name: string };
  sender: { name: string; postal_address: string };
  unsubscribe_url: string | null;
  /** The email footer's language, from the customer's locale (render.ts withFooter). */
  footer_lang: 'ja' | 'en';
}
