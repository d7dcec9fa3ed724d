import type { ReactNode } from 'react';

/**
 * What an empty list says: a title, why it is empty or what to do, and an action when there is one.
 * `heading` makes the title an h2 where the empty state stands for a whole page's content; an `id`
 * for that h2 makes it a section named by it (a first screen: onboarding, scoring needed).
 */
export function EmptyState({
  title,
  hint,
  compact = false,
  heading = false,
  id,
  className,
  children,
}: {
  title: ReactNode;
  hint?: ReactNode;
  compact?: boolean;
  heading?: boolean;
  id?: string;
  className?: string;
  children?: ReactNode;
}) {
  const content = (
    <>
      {heading ? (
        <h2 id={id} className="empty-title">
          {title}
        </h2>
      ) : (
        <p className="empty-title">{title}</p>
      )}
      {hint !== undefined && <p className="muted">{hint}</p>}
      {children}
    </>
  );
  const classes = ['empty', compact ? 'empty-compact' : '', className ?? ''].filter(Boolean).join(' ');
  return id ? (
    <section className={classes} aria-labelledby={id}>
      {content}
    </section>
  ) : (
    <div className={classes}>{content}</div>
  );
}
