/** The areas of the app, in navigation order. `planned` says what a not-yet-built area will hold. */
export interface Area {
  path: string;
  name: string;
  planned?: string;
}

export const WORK_AREAS: readonly Area[] = [
  { path: '/workflows', name: 'Workflows' },
  { path: '/runs', name: 'Runs' },
  { path: '/orders', name: 'Orders' },
  { path: '/cad-library', name: 'CAD library' },
  { path: '/output-types', name: 'Output types' },
  { path: '/comparisons', name: 'Comparisons' },
  { path: '/farm', name: 'Farm' },
];

export const SYSTEM_AREAS: readonly Area[] = [
  { path: '/sync', name: 'Sync' },
  { path: '/preflight', name: 'Preflight' },
  { path: '/settings', name: 'Settings' },
];
