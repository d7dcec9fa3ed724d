/**
 * `npm run bench:coupons -- [--codes 1000000] [--redemptions 2000] [--concurrency 10]`
 *
 * Issues a million codes into one campaign of a fresh database (drawing them, inserting them in
 * chunks with ON CONFLICT DO NOTHING, redrawing any clash), then redeems a sample of them from
 * concurrent clients. With DATABASE_URL the database is created on that server and dropped
 * afterwards; otherwise a throw-away embedded server is used.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../src/app/services.ts';
import { openBenchDatabase } from './benchDatabase.ts';
import { randomCodes } from '../src/modules/coupons/codes.ts';
import { campaignInput, issueInput, redeemInput } from '../src/modules/coupons/index.ts';
import { noTarget, reportResults } from './results.ts';

const { values } = parseArgs({
  options: {
    codes: { type: 'string', default: '1000000' },
    redemptions: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '10' },
  },
});
const count = Number(values.codes);
const redemptions = Number(values.redemptions);
const concurrency = Number(values.concurrency);

const bench = await openBenchDatabase({ poolSize: concurrency + 1 });
const { db } = bench;
try {
  const services = createServices(db);
  console.log(`coupon benchmark on ${bench.where}, node ${process.version}`);

  let t = performance.now();
  randomCodes(count);
  const drawMs = performance.now() - t;
  console.log(`  draw ${count.toLocaleString('en')} codes (CSPRNG, no database): ${Math.round(drawMs)} ms`);

  const { workspace } = await services.workspaces.create({ name: 'bench' });
  const campaign = await services.coupons.createCampaign(workspace.id, campaignInput.parse({ name: 'bench', kind: 'percent', value: 10 }));
  t = performance.now();
  const result = await services.coupons.issue(workspace.id, campaign.id, issueInput.parse({ count }));
  const issueMs = performance.now() - t;
  const stored = await services.coupons.stats(workspace.id, campaign.id);
  console.log(`  issue ${result.issued.toLocaleString('en')} codes: ${(issueMs / 1000).toFixed(2)} s (${Math.round(result.issued / (issueMs / 1000)).toLocaleString('en')} codes/s); stored ${stored.issued.toLocaleString('en')}`);

  const sample = result.codes.slice(0, redemptions);
  let next = 0;
  t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < sample.length; i = next++) {
        await services.coupons.redeem(
          workspace.id,
          redeemInput.parse({ code: sample[i]!.code, customerExternalId: `c-${i % 500}`, orderExternalId: `o-${i}`, orderTotalMinor: 5000, idempotencyKey: `k-${i}` }),
        );
      }
    }),
  );
  const redeemMs = performance.now() - t;
  console.log(`  redeem ${sample.length.toLocaleString('en')} codes from ${concurrency} clients: ${Math.round(sample.length / (redeemMs / 1000)).toLocaleString('en')} redemptions/s`);
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  reportResults([
    noTarget('coupon codes issued', `${count.toLocaleString('en')} codes`, Math.round(result.issued / (issueMs / 1000)), 'codes/s'),
    noTarget(`coupon redemptions, ${concurrency} clients`, `${sample.length.toLocaleString('en')} redemptions`, Math.round(sample.length / (redeemMs / 1000)), 'redemptions/s'),
  ]);
} finally {
  await bench.close();
}
