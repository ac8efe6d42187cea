import { useEffect, useRef } from 'react';
import { Outlet, useLocation } from 'react-router';
import { ConnectionBanner } from './ConnectionStatus';
import { Sidebar } from './Sidebar';
import { StatusFooter } from './StatusFooter';

/**
 * Puts focus on the page's h1 (made focusable by script if a page forgot tabIndex={-1}), else on
 * main itself, so keyboard and screen-reader users start reading at the content.
 */
function focusHeading(main: HTMLElement | null): void {
  const heading = main?.querySelector<HTMLElement>('h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  (heading ?? main)?.focus();
}

export function Layout() {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After in-app navigation, move focus to the new page's heading so keyboard and screen-reader
  // users land on the content instead of staying on the clicked link.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    focusHeading(mainRef.current);
  }, [pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#content" onClick={(event) => {
        // The router owns the URL hash; move focus by hand instead of navigating.
        event.preventDefault();
        focusHeading(mainRef.current);
      }}>
        Skip to content
      </a>
      <Sidebar />
      <div className="workspace">
        <ConnectionBanner />
        <main className="page" id="content" tabIndex={-1} ref={mainRef}>
          <Outlet />
        </main>
        <StatusFooter />
      </div>
    </div>
  );
}
