import type { Services } from '../../app/services.ts';

/**
 * APPI/GDPR requests. Both span modules, so they run in one transaction: the export sees one
 * consistent snapshot, the erasure happens everywhere or nowhere.
 */

/** Everything held on one person: profile, aliases, consent history, orders, refunds, events, account. */
export function exportCustomer(services: Services, ws: string, idOrExternalId: string) {
  const { customers, orders, events, accounts } = services;
  return services.db.tx(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const customer = await customers.find(ws, idOrExternalId, tx);
    const account = customer.accountId ? await accounts.get(ws, customer.accountId, tx) : null;
    return {
      exportedAt: new Date(),
      customer,
      aliases: await customers.aliases(ws, customer.id, tx),
      consents: await customers.consentHistory(ws, customer.id, tx),
      orders: await orders.forCustomer(ws, customer.id, tx),
      refunds: await orders.refundsForCustomer(ws, customer.id, tx),
      events: await events.exportForCustomer(ws, customer.id, tx),
      account,
      subscriptions: account ? await accounts.subscriptionsOf(ws, account.id, tx) : [],
    };
  });
}

/**
 * Erases a person's data: the profile (its email/phone hashes go on the suppression list), event
 * properties and context, order attributes, survey comments, UGC photos and captions. Orders keep their amounts under the customer's random
 * id, so revenue and counts stay true. Erasing twice is harmless.
 */
export function eraseCustomer(services: Services, ws: string, idOrExternalId: string): Promise<void> {
  const { customers, orders, events, surveys, ugc } = services;
  return services.db.tx(async (tx) => {
    const customer = await customers.find(ws, idOrExternalId, tx);
    if (customer.erasedAt) return;
    await customers.erase(ws, customer.id, tx);
    await events.eraseCustomer(ws, customer.id, tx);
    await orders.eraseCustomer(ws, customer.id, tx);
    await surveys.eraseCustomer(ws, customer.id, tx);
    await ugc.eraseCustomer(ws, customer.id, tx);
  });
}
