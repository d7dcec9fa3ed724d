import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { LanguageSelect } from './LanguageSelect.tsx';
import { Link, useLocation } from '../router.tsx';
import { hasScope, useSession } from '../session.tsx';
import type { Scope } from '../types.ts';

/** The sidebar's sections of links (nav.ts builds them; App passes them in, so pages importing PageHeader do not import every area). */
type ShellNav = { label?: MessageKey; items: { to: string; label: MessageKey; scope?: Scope }[] }[];

/** Sidebar navigation, account and language; the page in `main`, focused on every navigation. */
export function Shell({ nav, children }: { nav: ShellNav; children: ReactNode }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const session = useSession();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // On a narrow screen the sidebar is a drawer behind the menu button.
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    setMenuOpen(false);
    // Screen readers and keyboards start at the new page, not in the sidebar they just used.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [path]);

  useEffect(() => {
    if (!menuOpen) return;
    const close = (event: KeyboardEvent) => event.key === 'Escape' && setMenuOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [menuOpen]);

  const current = (to: string) => path === to || path.startsWith(`${to}/`);

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <span className="brand-mark" aria-hidden="true">
          絆
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <button type="button" className="button button-ghost menu-button" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen((o) => !o)}>
          {t(menuOpen ? 'shell.closeMenu' : 'shell.menu')}
        </button>
      </header>
      {menuOpen && <div className="drawer-backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
      <aside className="sidebar" id="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            絆
          </span>
          <span>
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </span>
        </div>
        <p className="workspace-name">
          <span className="visually-hidden">{t('shell.workspace')}: </span>
          {session.workspace.name}
        </p>
        <nav aria-label={t('nav.label')}>
          {nav.map((section, i) => {
            const items = section.items.filter((item) => hasScope(session.scopes, item.scope));
            if (items.length === 0) return null;
            return (
              <div className="nav-section" key={i}>
                {section.label && <h2 className="nav-heading">{t(section.label)}</h2>}
                <ul>
                  {items.map((item) => (
                    <li key={item.to}>
                      <Link to={item.to} className="nav-link" aria-current={current(item.to) ? 'page' : undefined}>
                        {t(item.label)}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <div className="sidebar-footer">
          <section aria-label={t('shell.account')} className="account">
            <p className="account-email">{session.user.email}</p>
            <p className="account-role">{t(`role.${session.user.role}`)}</p>
          </section>
          <LanguageSelect id="language-shell" />
          <button type="button" className="button button-ghost" onClick={() => void session.signOut()}>
            {t('shell.signOut')}
          </button>
        </div>
      </aside>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** The page's heading; also the window title. */
export function PageHeader({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children?: ReactNode }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}
