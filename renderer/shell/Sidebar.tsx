import { NavLink as MantineNavLink } from '@mantine/core';
import { NavLink, useLocation } from 'react-router';
import { SYSTEM_AREAS, WORK_AREAS, type Area } from './areas';
import { ConnectionStatus } from './ConnectionStatus';
import { PreflightStatus } from './PreflightStatus';
import { FirstRunSidebarLink } from '../areas/preflight/FirstRunChecklist';
import { ReviewBadge, ReviewNotices } from '../areas/comparisons/ReviewBadge';
import { SyncBadge } from '../areas/sync/SyncBadge';

/** An area is current on its own path and on the pages under it (a workflow under Workflows). */
function isCurrent(pathname: string, area: Area): boolean {
  return pathname === area.path || pathname.startsWith(`${area.path}/`);
}

function AreaLinks({ areas }: { areas: readonly Area[] }) {
  const { pathname } = useLocation();
  return (
    <ul className="nav-list">
      {areas.map((area) => (
        <li key={area.path}>
          {/* React Router's NavLink marks the current page with aria-current="page". */}
          <MantineNavLink component={NavLink} to={area.path} label={area.name} active={isCurrent(pathname, area)} className="nav-link" />
          {/* Beside the link, not in it, so the link keeps its plain name. */}
          {area.path === '/comparisons' && <ReviewBadge />}
          {area.path === '/sync' && <SyncBadge />}
        </li>
      ))}
    </ul>
  );
}

export function Sidebar() {
  return (
    <aside className="sidebar">
      <div className="brand">Lightbox</div>
      <nav aria-label="Areas" className="nav">
        <AreaLinks areas={WORK_AREAS} />
        <hr className="nav-divider" />
        <AreaLinks areas={SYSTEM_AREAS} />
      </nav>
      <FirstRunSidebarLink />
      <ReviewNotices />
      <PreflightStatus />
      <ConnectionStatus />
    </aside>
  );
}
