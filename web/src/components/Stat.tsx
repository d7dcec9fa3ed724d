import type { ReactNode } from 'react';

/** One figure of a `<dl className="stats">`: its label, the value, and a note under it (an interval, the points behind an amount). */
export function Stat({ label, value, note, help, testId }: { label: ReactNode; value: ReactNode; note?: ReactNode; help?: string; testId?: string }) {
  return (
    <div className="stat" title={help}>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {value}
        {note !== undefined && note !== '' && <span className="stat-note">{note}</span>}
      </dd>
    </div>
  );
}

/** Figures given as [label, value] pairs, in a `stats` list (`compact` inside a card). */
export function StatList({ items, compact = false }: { items: [string, ReactNode][]; compact?: boolean }) {
  return (
    <dl className={compact ? 'stats stats-compact' : 'stats'}>
      {items.map(([label, value]) => (
        <Stat key={label} label={label} value={value} />
      ))}
    </dl>
  );
}
