import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMachineOpen } from './machineOpen.ts';

const sentAt = new Date('2026-12-01T03:00:00Z');
const after = (s: number) => new Date(sentAt.getTime() + s * 1000);

test('a proxy fetching the pixel within seconds of delivery is a machine; later, or a real browser, a person', () => {
  assert.equal(isMachineOpen({ userAgent: 'Mozilla/5.0', sentAt, at: after(4) }), true);
  assert.equal(isMachineOpen({ userAgent: 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)', sentAt, at: after(10) }), true);
  assert.equal(isMachineOpen({ userAgent: 'Mozilla/5.0', sentAt, at: after(3600) }), false);
  assert.equal(isMachineOpen({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15', sentAt, at: after(2) }), false);
  assert.equal(isMachineOpen({ userAgent: null, sentAt, at: after(2) }), false);
});

test('the provider’s flag decides whatever the timing', () => {
  assert.equal(isMachineOpen({ providerFlag: true, userAgent: 'Mozilla/5.0 (Windows NT 10.0)', sentAt, at: after(86_400) }), true);
  assert.equal(isMachineOpen({ providerFlag: false, userAgent: 'Mozilla/5.0', sentAt: null, at: after(1) }), false);
});
