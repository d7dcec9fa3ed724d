import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { cliOn } from '../cliTestKit.ts';
import { nextTokyoNoon, seedAudience, settingsFor } from '../../modules/messaging/testKit.ts';

describeEachDatabase('kizuna campaign report / cancel', (t) => {
  const kizuna = (...args: string[]) => cliOn(t.db.url, 'campaign')(...args);

  test('report of a sent campaign, cancel of a draft; bad input exits 2', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: 'cli-campaigns' });
    await services.messaging.putSettings(workspace.id, settingsFor(undefined, { outbox: { channels: ['sms'] } }));
    const { segmentId } = await seedAudience(services, workspace.id, 20, { cohort: 'cli' });
    const sent = await services.messaging.createCampaign(workspace.id, { name: 'セール', segmentId, holdoutPercent: 25, template: { channel: 'sms', text: 'セール' } });
    const { heldOut } = await services.messaging.send(workspace.id, sent.id);
    await services.messaging.drain({ now: nextTokyoNoon(), workspaceId: workspace.id });
    const draft = await services.messaging.createCampaign(workspace.id, { name: '下書き', segmentId, template: { channel: 'sms', text: 'x' } });
    await services.messaging.close();

    const [json, human, cancelled, again, missing, badWindow] = await Promise.all([
      kizuna('report', sent.id, '--json'),
      kizuna('report', sent.id),
      kizuna('cancel', draft.id, '--json'),
      kizuna('cancel', sent.id),
      kizuna('report', '0190d7c4-0000-7000-8000-000000000000'),
      kizuna('report', sent.id, '--window-days', '0'),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.campaignId, sent.id);
    assert.equal(report.sent, 20 - heldOut);
    assert.equal(report.arms.holdout.n, heldOut);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^セール \\(sms, sent\\)\\nsent ${20 - heldOut} · opened 0`));
    assert.match(human.stdout, /vs holdout: conversion/);

    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(JSON.parse(cancelled.stdout).status, 'cancelled');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /cannot be cancelled \(sent\)/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not found/);
    assert.equal(badWindow.code, 2);
    assert.match(badWindow.stderr, /--window-days/);
  });
});
