import { NavLink } from 'react-router';
import { SYSTEM_AREAS, WORK_AREAS, type Area } from './areas';
import { ConnectionStatus } from './ConnectionStatus';
import { PreflightStatus } from './PreflightStatus';
import { ReviewBadge, ReviewNotices } from '../areas/comparisons/ReviewBadge';

function AreaLinks({ areas }: { areas: readonly Area[] }) {
  return (
    <ul className="nav-list">
      {areas.map((area) => (
        <li key={area.path}>
          <NavLink to={area.path} className="nav-link">
            {area.name}
          </NavLink>
          {area.path === '/comparisons' && <ReviewBadge />}
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
      <ReviewNotices />
      <PreflightStatus />
      <ConnectionStatus />
    </aside>
  );
}
