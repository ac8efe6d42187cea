import { memo, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Anchor, Group, NativeSelect, Paper, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import type { ComparisonSummarySchema, ReviewFilter, Verdict } from '../../../shared/comparison/api';
import type { z } from 'zod';
import { usePagedList } from '../../ui/paged/use-paged-list';
import { useVirtualRows } from '../../ui/paged/use-virtual-rows';
import type { MethodInput } from '../../../shared/contract';
import { useClient } from '../../app/services';
import { formatTime } from '../../ui/format-time';
import { useLoad } from '../output-types/use-load';
import { reviewStore } from './review-store';
import { VerdictTag } from './VerdictTag';
import { ReviewGroupsView } from './ReviewGroupsView';

type Filter = MethodInput<'comparisons.list'>;
type ComparisonSummary = z.infer<typeof ComparisonSummarySchema>;
const ROW_ESTIMATE = 44;

/** Memoized: scrolling draws new rows without drawing the rows still in view again. */
const ComparisonRow = memo(function ComparisonRow({ c, index }: { c: ComparisonSummary; index: number }) {
  return (
    <Table.Tr aria-rowindex={index + 2}>
      <Table.Th scope="row" fw="normal" style={{ whiteSpace: 'nowrap' }}>
        <Anchor component={Link} to={`/comparisons/${c.id}`} aria-label={`Comparison of ${c.outputTypeKey} at ${formatTime(c.createdAt)}`}>
          {formatTime(c.createdAt)}
        </Anchor>
      </Table.Th>
      <Table.Td>{c.outputTypeKey}</Table.Td>
      <Table.Td>
        <VerdictTag verdict={c.verdict} />
      </Table.Td>
      <Table.Td>{c.workflowId ? `${c.workflowId} revision ${c.workflowRevision ?? '?'}` : '—'}</Table.Td>
      <Table.Td>{c.review ? `${c.review.decision === 'approve' ? 'Approved' : 'Rejected'} by ${c.review.who}` : 'Pending'}</Table.Td>
      <Table.Td>{c.reasons.length ? c.reasons.slice(0, 2).join('; ') + (c.reasons.length > 2 ? ` (and ${c.reasons.length - 2} more)` : '') : 'none'}</Table.Td>
    </Table.Tr>
  );
});

/** The comparisons a page at a time; only the rows in view of its scroll box are drawn. */
function ComparisonsTable({ items, hasMore, loadMore }: { items: ComparisonSummary[]; hasMore: boolean; loadMore: () => void }) {
  const scroll = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows({ count: items.length, scrollRef: scroll, estimate: ROW_ESTIMATE, hasMore, onNearEnd: loadMore, getKey: (i) => items[i]?.id ?? i });
  return (
    <div ref={scroll} style={{ maxHeight: '70vh', overflow: 'auto', contain: 'content' }}>
      <Table aria-label="Comparisons" aria-rowcount={hasMore ? -1 : items.length + 1} miw={760} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Date</Table.Th>
            <Table.Th scope="col">Output type</Table.Th>
            <Table.Th scope="col">Verdict</Table.Th>
            <Table.Th scope="col">Workflow</Table.Th>
            <Table.Th scope="col">Review</Table.Th>
            <Table.Th scope="col">Reasons</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {virtual.before > 0 && <tr aria-hidden="true" style={{ height: virtual.before }} />}
          {virtual.rows.map(({ index, key }) => (
            <ComparisonRow key={key} index={index} c={items[index] as ComparisonSummary} />
          ))}
          {virtual.after > 0 && <tr aria-hidden="true" style={{ height: virtual.after }} />}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/**
 * The Comparisons area: review by revision (the default, issue 22: one decision per output type and
 * workflow revision) and, one click away (?view=all), every comparison with filters.
 */
export function ComparisonsPage() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'all' ? 'all' : 'review';
  return (
    <>
      <Title order={1} tabIndex={-1}>
        Comparisons
      </Title>
      <Text my="xs" maw={760}>
        Shadow comparisons of the legacy render against its graph migration, per output type. A lead approves each workflow revision of an output type once, after every difference was opened or excused; that approval is what lets the output type switch to graph.
      </Text>
      <Tabs value={view} onChange={(v) => setParams(v === 'all' ? { view: 'all' } : {}, { replace: true })} mt="sm">
        <Tabs.List aria-label="Comparisons view">
          <Tabs.Tab value="review">Review by revision</Tabs.Tab>
          <Tabs.Tab value="all">All comparisons</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="review">{view === 'review' && <ReviewGroupsView />}</Tabs.Panel>
        <Tabs.Panel value="all">{view === 'all' && <AllComparisons />}</Tabs.Panel>
      </Tabs>
    </>
  );
}

/** Every shadow comparison with verdict, output type, workflow revision, date and review; filters; the latest verdict per output type. */
function AllComparisons() {
  const client = useClient();
  const id = useId();
  const [outputTypeKey, setOutputTypeKey] = useState('');
  const [verdict, setVerdict] = useState('');
  const [review, setReview] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const filter: Filter = {
    ...(outputTypeKey ? { outputTypeKey } : {}),
    ...(verdict ? { verdict: verdict as Verdict } : {}),
    ...(review ? { review: review as ReviewFilter } : {}),
    ...(since ? { since: new Date(since).toISOString() } : {}),
    ...(until ? { until: new Date(`${until}T23:59:59.999`).toISOString() } : {}),
  };
  const filterKey = JSON.stringify(filter);
  // The list a page at a time (a reload starts it over); the head from comparisons.summary.
  const [generation, setGeneration] = useState(0);
  const load = useCallback((cursor: string | undefined) => client.call('comparisons.list', { ...(JSON.parse(filterKey) as Filter), ...(cursor ? { cursor } : {}) }), [client, filterKey]);
  const list = usePagedList(load, `${filterKey}|${generation}`, 'The comparisons');
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const all = useLoad(() => client.call('comparisons.summary', {}), [client]);

  // A new comparison needing review: list it.
  useEffect(() => {
    void reviewStore(client).getState().refresh();
    return client.on('notifications.desktop', (n) => {
      if (n.event !== 'comparison.review') return;
      reload();
      all.reload();
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, reload]);

  const latest = all.data ? Object.entries(all.data.latestByOutputType).sort(([a], [b]) => a.localeCompare(b)) : [];
  const keys = latest.map(([k]) => k);

  const reviewWords = (r: 'approve' | 'reject' | null) => (r ? (r === 'approve' ? 'approved' : 'rejected') : 'pending review');

  return (
    <>
      <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-latest`}>
        <Title order={2} id={`${id}-latest`} mb="xs">
          Latest verdict per output type
        </Title>
        {all.data && latest.length === 0 && <Text>No comparison yet: dispatch an order line in shadow mode.</Text>}
        {latest.length > 0 && (
          <Table aria-label="Latest verdict per output type" maw={760}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Output type</Table.Th>
                <Table.Th scope="col">Verdict</Table.Th>
                <Table.Th scope="col">Review</Table.Th>
                <Table.Th scope="col">Rollout</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {latest.map(([key, l]) => (
                <Table.Tr key={key}>
                  <Table.Th scope="row" fw="normal">
                    <Anchor component={Link} to={`/comparisons/${l.id}`} aria-label={`Latest comparison of ${key}`}>
                      {key}
                    </Anchor>
                  </Table.Th>
                  <Table.Td>
                    <VerdictTag verdict={l.verdict} />
                  </Table.Td>
                  <Table.Td>{reviewWords(l.review)}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/output-types/${encodeURIComponent(key)}/rollout`} aria-label={`Rollout of ${key}`}>
                      Rollout
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {all.data && (
          <Text mt="xs">
            {all.data.pendingReview} comparison{all.data.pendingReview === 1 ? '' : 's'} waiting for review.
          </Text>
        )}
      </Paper>
      <form aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <Group gap="sm" align="flex-end" my="sm">
          <NativeSelect label="Output type" value={outputTypeKey} onChange={(e) => setOutputTypeKey(e.currentTarget.value)} data={[{ value: '', label: 'All' }, ...keys]} miw={180} />
          <NativeSelect
            label="Verdict"
            value={verdict}
            onChange={(e) => setVerdict(e.currentTarget.value)}
            data={[
              { value: '', label: 'All' },
              { value: 'pass', label: 'pass' },
              { value: 'warn', label: 'warn' },
              { value: 'fail', label: 'fail' },
            ]}
          />
          <NativeSelect
            label="Review"
            value={review}
            onChange={(e) => setReview(e.currentTarget.value)}
            data={[
              { value: '', label: 'All' },
              { value: 'pending', label: 'pending' },
              { value: 'approve', label: 'approved' },
              { value: 'reject', label: 'rejected' },
            ]}
          />
          <TextInput type="date" label="Since" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
          <TextInput type="date" label="Until" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
        </Group>
      </form>
      {list.error && <Alert color="red">{list.error}</Alert>}
      {!list.loaded && <Text>Loading…</Text>}
      {list.loaded && list.items.length === 0 && !list.error && <Text>No comparison matches.</Text>}
      {list.items.length > 0 && <ComparisonsTable items={list.items} hasMore={list.hasMore} loadMore={list.loadMore} />}
    </>
  );
}
