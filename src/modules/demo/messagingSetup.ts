import type { DemoServices } from './demoServices.ts';
import type { MessagingSettingsInput } from '../messaging/settings.ts';

/**
 * The demo shop's messaging: every customer channel goes to the built-in outbox (nothing leaves
 * the machine; the web app's Outbox page shows each message as the customer would see it), with
 * a complete sender identity as 特定電子メール法 asks (name, postal address with 〒, inquiry
 * contact). Quiet hours are off: the demo's customers live in Japan and a person trying the demo
 * from Europe or America in their afternoon would otherwise find every marketing send held until
 * 08:00 JST and the Outbox empty. Settings a person already saved are kept.
 */
export const DEMO_MESSAGING: MessagingSettingsInput = {
  sender: {
    name: '絆ストア',
    email: 'news@kizuna-store.example',
    replyTo: 'support@kizuna-store.example',
    postalAddress: '東京都千代田区丸の内1-1-1 絆ビル5F',
    postalCode: '1000005',
    contactUrl: 'https://kizuna-store.example/contact',
  },
  publicBaseUrl: 'http://localhost:3000',
  outbox: { channels: ['email', 'line', 'sms', 'push', 'dm'] },
  policy: { quietHours: null },
};

export async function seedDemoMessaging(services: DemoServices, workspaceId: string, publicBaseUrl?: string): Promise<boolean> {
  if ((await services.messaging.sendingPolicy(workspaceId)).configured) return false;
  await services.messaging.putSettings(workspaceId, { ...DEMO_MESSAGING, ...(publicBaseUrl ? { publicBaseUrl } : {}) });
  return true;
}
