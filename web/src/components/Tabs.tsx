import { Link, useLocation } from '../router.tsx';

/** The tab `?tab=` names; the first when it names none or an unknown one. */
export function useTab<T extends string>(tabs: readonly [T, ...T[]]): T {
  const requested = useLocation().query.get('tab');
  return tabs.find((tab) => tab === requested) ?? tabs[0];
}

/** A page's tabs as links (the first is the bare path), the current one marked as the page shown. */
export function Tabs<T extends string>({ tabs, current, path, label, name }: { tabs: readonly T[]; current: T; path: string; label: string; name: (tab: T) => string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab, i) => (
        <Link key={tab} to={i === 0 ? path : `${path}?tab=${tab}`} className="tab" aria-current={current === tab ? 'page' : undefined}>
          {name(tab)}
        </Link>
      ))}
    </nav>
  );
}
