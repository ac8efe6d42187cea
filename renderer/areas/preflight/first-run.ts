import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useLocalStorage } from '@mantine/hooks';
import type { ContractClient } from '../../../shared/contract';
import { useClient, useConnection } from '../../app/services';

/** One step of the first-run checklist: what to do, whether it is done, and where it is done. */
export interface FirstRunStep {
  id: 'cad' | 'legacy' | 'order' | 'dispatch' | 'review';
  title: string;
  /** Where the step is done, in the app's words ("CAD library → Import"). */
  where: string;
  to: string;
  done: boolean;
}

/** The steps from real data, through the same contract methods the areas read. */
export async function readFirstRunSteps(client: ContractClient): Promise<FirstRunStep[]> {
  // Counts, not lists: cheap however long the history.
  const [cad, outputTypes, orders, comparisons] = await Promise.all([
    client.call('cad.summary', {}),
    client.call('outputTypes.list', {}),
    client.call('orders.summary', { includeArchived: true }),
    client.call('comparisons.summary', {}),
  ]);
  const lines = orders.lines;
  return [
    { id: 'cad', title: 'Import a CAD file', where: 'CAD library → Import', to: '/cad-library', done: cad.ready > 0 },
    {
      id: 'legacy',
      title: 'Import legacy presets',
      where: 'Workflows → Import legacy presets',
      to: '/workflows',
      done: outputTypes.outputTypes.some((t) => t.form === 'legacy_preset' || t.form === 'both'),
    },
    { id: 'order', title: 'Create an order', where: 'Orders → New order', to: '/orders', done: orders.orders > 0 },
    // A line no longer queued was dispatched (or settled); counted per status, not read.
    { id: 'dispatch', title: 'Dispatch an order line', where: 'Orders → Dispatch', to: '/orders', done: lines.rendering + lines.succeeded + lines.failed + lines.cancelled > 0 },
    { id: 'review', title: 'Review a shadow comparison', where: 'Comparisons → Approve or reject', to: '/comparisons', done: comparisons.reviewed > 0 },
  ];
}

/** Where the dismissal is remembered (per browser profile, like the colour scheme). */
export const FIRST_RUN_DISMISSED_KEY = 'lightbox.firstRunDismissed';

export function useFirstRunDismissed(): [boolean, (dismissed: boolean) => void] {
  const [dismissed, setDismissed] = useLocalStorage<boolean>({ key: FIRST_RUN_DISMISSED_KEY, defaultValue: false, getInitialValueInEffect: false });
  return [dismissed, setDismissed];
}

/**
 * The checklist's steps, read on (re)connect and whenever the page changes (each step is done on
 * another page, so coming back shows it ticked). `null` until read or when reading failed.
 */
export function useFirstRunSteps(enabled: boolean): FirstRunStep[] | null {
  const client = useClient();
  const epoch = useConnection((s) => s.epoch);
  const { pathname } = useLocation();
  const [steps, setSteps] = useState<FirstRunStep[] | null>(null);
  useEffect(() => {
    if (!enabled || epoch === 0) return;
    let live = true;
    readFirstRunSteps(client).then(
      (read) => live && setSteps(read),
      // The checklist is a guide, not a report: a failed read hides it rather than alarming.
      () => live && setSteps(null),
    );
    return () => {
      live = false;
    };
  }, [client, epoch, pathname, enabled]);
  return steps;
}
