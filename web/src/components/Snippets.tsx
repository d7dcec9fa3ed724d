import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { CodeBlock } from './CodeBlock.tsx';

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The exact `curl` call that records an event through the Segment-compatible API. */
export function trackSnippet(userId: string): string {
  const body = JSON.stringify({ userId, event: 'Product Viewed', properties: { sku: 'SKU-1', name: 'Sample product' } });
  return [
    `curl -X POST ${window.location.origin}/v1/track \\`,
    '  -H "Authorization: Bearer $KIZUNA_API_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}

export function TrackSnippet({ userId }: { userId: string }) {
  const { t } = useI18n();
  return <CodeBlock code={trackSnippet(userId)} label={t('empty.track.title')} />;
}

/** The CLI import for files too large to upload, with this workspace named. */
export function ImportCommand({ kind }: { kind: string }) {
  const { t } = useI18n();
  const { workspace } = useSession();
  return <CodeBlock code={`npx kizuna import ${kind} ${kind}.csv --workspace ${workspace.id}`} label={t('empty.cli.title')} />;
}
