import type { ReactNode } from 'react';

/**
 * What an empty list says: a title, why it is empty or what to do, and an action when there is one.
 * `heading` makes the title an h2 where the empty state stands for a whole page's content.
 */
export function EmptyState({ title, hint, compact = false, heading = false, children }: { title: ReactNode; hint?: ReactNode; compact?: boolean; heading?: boolean; children?: ReactNode }) {
  return (
    <div className={compact ? 'empty empty-compact' : 'empty'}>
      {heading ? <h2 className="empty-title">{title}</h2> : <p className="empty-title">{title}</p>}
      {hint !== undefined && <p className="muted">{hint}</p>}
      {children}
    </div>
  );
}
