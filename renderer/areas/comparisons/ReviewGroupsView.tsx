import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import type { ReviewDecision } from '../../../shared/comparison/api';
import type { ReviewGroup, ReviewGroupMember } from '../../../shared/comparison/review-groups';
import { useClient } from '../../app/services';
import { errorText } from '../../transport/errors';
import { formatTime } from '../../ui/format-time';
import { Modal } from '../../ui/Modal';
import { usePagedList } from '../../ui/paged/use-paged-list';
import { LoadMore } from '../../ui/paged/LoadMore';
import { ContactSheet } from './ContactSheet';
import { reviewStore } from './review-store';
import { ToneBadge, VerdictTag } from './VerdictTag';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Pairs per page of "Show all". */
const PAIRS_PAGE = 48;
const decided = (d: ReviewDecision) => (d === 'approve' ? 'approval' : 'rejection');

/** The group's title: output type and the workflow revision(s) its content ran under. */
export function groupTitle(g: ReviewGroup): string {
  const revisions = g.workflowRevisions.length ? `revision${g.workflowRevisions.length > 1 ? 's' : ''} ${g.workflowRevisions.join(', ')}` : 'unknown revision';
  return `${g.outputTypeKey} · ${g.workflowId ?? 'no workflow'} ${revisions}`;
}

/** Why Approve is not possible now, in words; null when it is. */
function approveBlockedBy(g: ReviewGroup): string | null {
  if (!g.awaitingDecision) return 'Nothing awaits a decision: every comparison of this group is covered by a decision.';
  const n = g.pending.unresolved;
  if (n) return `Approve is blocked: ${plural(n, 'difference')} (warn or fail) ${n === 1 ? 'is' : 'are'} neither opened nor excused. Open ${n === 1 ? 'it' : 'each'} or excuse it with a reason.`;
  return null;
}

function memberState(m: ReviewGroupMember): string {
  if (!m.pending && m.review) return `decided: ${m.review === 'approve' ? 'approved' : 'rejected'}`;
  if (m.excuse) return `excused by ${m.excuse.who}: ${m.excuse.reason}`;
  if (m.openedBy.length) return `opened by ${m.openedBy.join(', ')}`;
  return 'not opened';
}

/** Asks for the text a decision or an excuse needs, and shows the backend's refusal when there is one. */
function TextDialog({ open, title, intro, label, action, onSubmit, onClose }: {
  open: boolean;
  title: string;
  intro: string;
  label: string;
  action: string;
  onSubmit: (text: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setText('');
    setError(null);
  }, [open]);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(text.trim());
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onClose={onClose} title={title} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Text>{intro}</Text>
          <Textarea label={label} required autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} data-autofocus />
          {error && (
            <Alert role="alert" color="red" title="Refused">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!text.trim()}>
              {action}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A group's answer changes (a decision, a new comparison): what its member pages start over on. */
const groupVersion = (g: ReviewGroup) => `${g.id}:${g.counts.total}:${g.pending.counts.total}:${g.pending.unresolved}:${g.lastDecision?.id ?? ''}`;

/** The members review.groups answered for some of its ids, in that order. */
const membersOf = (group: ReviewGroup, ids: string[]): ReviewGroupMember[] => {
  const byId = new Map(group.members.map((m) => [m.comparisonId, m]));
  return ids.map((id) => byId.get(id)).filter((m): m is ReviewGroupMember => m !== undefined);
};

/**
 * The warn and fail comparisons of a group, pending first, one by one: each is opened or excused
 * before the group can be approved. The first page came with the group; "Load more" pages on.
 */
function Differences({ group, onExcuse }: { group: ReviewGroup; onExcuse: (m: ReviewGroupMember) => void }) {
  const client = useClient();
  const version = groupVersion(group);
  const first = useRef(group);
  first.current = group;
  const load = useCallback(
    (cursor: string | undefined) =>
      cursor
        ? client.call('review.members', { groupId: first.current.id, differences: true, cursor })
        : Promise.resolve({ items: membersOf(first.current, first.current.differences.comparisonIds), nextCursor: first.current.differences.nextCursor }),
    [client],
  );
  const list = usePagedList<ReviewGroupMember>(load, version, 'The differences');
  const shown = group.counts.warn + group.counts.fail;
  if (shown === 0) return <Text size="sm">No difference: every comparison of this group passed.</Text>;
  return (
    <>
      {list.error && <Alert color="red">{list.error}</Alert>}
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={`Differences of ${groupTitle(group)}`} verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Verdict</Table.Th>
              <Table.Th scope="col">Date</Table.Th>
              <Table.Th scope="col">Reasons</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.items.map((m) => (
              <Table.Tr key={m.comparisonId} aria-label={`${m.verdict} comparison ${m.comparisonId}`}>
                <Table.Td>
                  <VerdictTag verdict={m.verdict} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(m.createdAt)}</Table.Td>
                <Table.Td>{m.reasons.length ? m.reasons.slice(0, 2).join('; ') + (m.reasons.length > 2 ? ` (and ${m.reasons.length - 2} more)` : '') : '—'}</Table.Td>
                <Table.Td>{m.unresolved ? (
                    <Text span size="sm" fw={600} c={m.verdict === 'fail' ? 'var(--fail)' : 'var(--warn)'} style={{ whiteSpace: 'nowrap' }}>
                      not opened
                    </Text>
                  ) : (
                    memberState(m)
                  )}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap" justify="flex-end">
                    <Button component={Link} to={`/comparisons/${m.comparisonId}`} size="xs" variant={m.unresolved ? 'filled' : 'default'} aria-label={`Open the ${m.verdict} comparison ${m.comparisonId}`}>
                      Open
                    </Button>
                    {m.pending && (
                      <Button size="xs" variant="default" onClick={() => onExcuse(m)} aria-label={`Excuse the ${m.verdict} comparison ${m.comparisonId}`}>
                        Excuse
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasMore && <LoadMore shown={`${list.items.length} of ${plural(shown, 'difference')} shown.`} action="Load more differences" loading={list.loading} onClick={list.loadMore} />}
    </>
  );
}

/** "Show all": every pair of a group, read from review.members a page at a time. */
function EveryPair({ group, title }: { group: ReviewGroup; title: string }) {
  const client = useClient();
  const groupId = group.id;
  const load = useCallback((cursor: string | undefined) => client.call('review.members', { groupId, limit: PAIRS_PAGE, ...(cursor ? { cursor } : {}) }), [client, groupId]);
  const list = usePagedList<ReviewGroupMember>(load, groupVersion(group), 'Every pair');
  return (
    <>
      {list.error && (
        <Alert color="red" mb="xs">
          {list.error}
        </Alert>
      )}
      <ContactSheet label={`Contact sheet of ${title}`} members={list.items} />
      {list.hasMore && <LoadMore shown={`${list.items.length} of ${group.counts.total} pairs shown.`} action="Load more pairs" loading={list.loading} onClick={list.loadMore} />}
    </>
  );
}

/** One review group: counts, CAD files, the pending set, its differences, the contact sheet and the decision. */
function GroupCard({ group, onChanged }: { group: ReviewGroup; onChanged: () => void }) {
  const client = useClient();
  const id = useId();
  const [deciding, setDeciding] = useState<ReviewDecision | null>(null);
  const [excusing, setExcusing] = useState<ReviewGroupMember | null>(null);
  const [showAll, setShowAll] = useState(false);
  const title = groupTitle(group);
  const blocked = approveBlockedBy(group);
  const { pending, lastDecision } = group;
  const sheet = membersOf(group, group.contactSheet.comparisonIds);

  const pendingWords = !group.awaitingDecision
    ? lastDecision
      ? `${lastDecision.decision === 'approve' ? 'Approved' : 'Rejected'} by ${lastDecision.who} on ${formatTime(lastDecision.createdAt)}: ${lastDecision.note}`
      : 'Nothing awaits a decision.'
    : lastDecision
      ? `${pending.counts.total} new since the ${decided(lastDecision.decision)} of ${formatTime(lastDecision.createdAt)}`
      : `${plural(pending.counts.total, 'comparison')} awaiting a decision`;

  return (
    <Paper component="section" withBorder p="md" my="md" aria-labelledby={`${id}-h`}>
      <Group justify="space-between" align="flex-start" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Title order={2} id={`${id}-h`} size="h3">
            {title}
          </Title>
          <Group gap={6} mt={6} aria-label="Counts by verdict" role="group">
            <ToneBadge tone="ok">{group.counts.pass} pass</ToneBadge>
            <ToneBadge tone="warn">{group.counts.warn} warn</ToneBadge>
            <ToneBadge tone="fail">{group.counts.fail} fail</ToneBadge>
            <Text size="sm" c="dimmed">
              {plural(group.counts.total, 'comparison')} of {plural(group.cadFiles, 'CAD file')}
            </Text>
          </Group>
        </div>
        <Anchor component={Link} to={`/output-types/${encodeURIComponent(group.outputTypeKey)}/rollout`} size="sm">
          Rollout of {group.outputTypeKey}
        </Anchor>
      </Group>

      <Text mt="sm" role="status" aria-label={`Pending set of ${title}`} fw={group.awaitingDecision ? 600 : undefined}>
        {pendingWords}
        {group.awaitingDecision && pending.counts.warn + pending.counts.fail > 0 && ` (${plural(pending.counts.warn + pending.counts.fail, 'difference')})`}
      </Text>

      <Title order={3} size="h5" mt="md" mb={4}>
        Differences
      </Title>
      <Differences group={group} onExcuse={setExcusing} />

      <Group justify="space-between" mt="md" mb={6} gap="xs">
        <Title order={3} size="h5">
          Contact sheet
        </Title>
        {group.contactSheet.sampled && (
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              {showAll ? `All ${group.contactSheet.total} pairs` : `A sample of ${group.contactSheet.comparisonIds.length} of ${group.contactSheet.total}: the worst differences, then each CAD file's worst pixel deltas`}
            </Text>
            <Button size="xs" variant="default" onClick={() => setShowAll((s) => !s)}>
              {showAll ? 'Show the sample' : `Show all ${group.contactSheet.total}`}
            </Button>
          </Group>
        )}
      </Group>
      {showAll ? <EveryPair group={group} title={title} /> : <ContactSheet label={`Contact sheet of ${title}`} members={sheet} />}

      <Group mt="md" gap="xs" align="center">
        <Button disabled={blocked !== null} onClick={() => setDeciding('approve')} aria-describedby={blocked ? `${id}-blocked` : undefined}>
          Approve group
        </Button>
        <Button variant="default" disabled={!group.awaitingDecision} onClick={() => setDeciding('reject')}>
          Reject group
        </Button>
        {blocked && (
          <Text id={`${id}-blocked`} size="sm" c={group.awaitingDecision ? 'var(--warn)' : 'dimmed'}>
            {blocked}
          </Text>
        )}
      </Group>

      <TextDialog
        open={deciding !== null}
        title={`${deciding === 'reject' ? 'Reject' : 'Approve'} ${title}?`}
        intro={`The decision covers the ${plural(pending.counts.total, 'comparison')} of its pending set (${pending.counts.pass} pass, ${pending.counts.warn} warn, ${pending.counts.fail} fail); comparisons arriving later start a new pending set.${deciding === 'approve' && pending.counts.fail ? ' A failed comparison is recorded as rejected on its own.' : ''}`}
        label="Note"
        action={deciding === 'reject' ? 'Reject group' : 'Approve group'}
        onSubmit={async (note) => {
          try {
            await client.call('review.decide', { groupId: group.id, decision: deciding ?? 'reject', note });
          } finally {
            // Refused too: the group changed behind the page (a new difference, a decision elsewhere), so show what it is now.
            onChanged();
          }
        }}
        onClose={() => setDeciding(null)}
      />
      <TextDialog
        open={excusing !== null}
        title={`Excuse the ${excusing?.verdict ?? ''} comparison?`}
        intro={`Excusing lets ${title} be approved without opening this difference. The reason is kept with the comparison.`}
        label="Reason"
        action="Excuse"
        onSubmit={async (reason) => {
          if (excusing) await client.call('review.excuse', { comparisonId: excusing.comparisonId, reason });
          onChanged();
        }}
        onClose={() => setExcusing(null)}
      />
    </Paper>
  );
}

/** Review by revision (issue 22): one decision per output type and workflow revision, differences singled out; groups a page at a time. */
export function ReviewGroupsView() {
  const client = useClient();
  const [version, setVersion] = useState(0);
  const [awaitingDecision, setAwaiting] = useState<number | null>(null);
  const load = useCallback(
    async (cursor: string | undefined) => {
      const page = await client.call('review.groups', cursor ? { cursor } : {});
      setAwaiting(page.awaitingDecision);
      return { items: page.groups, nextCursor: page.nextCursor };
    },
    [client],
  );
  const groups = usePagedList<ReviewGroup>(load, String(version), 'The review groups');
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // New shadow results or a decision elsewhere: the groups and the badge again.
  useEffect(
    () =>
      client.on('notifications.desktop', (n) => {
        if (n.event === 'comparison.review') reload();
      }),
    [client, reload],
  );
  // The badge follows what this view shows (a decision made elsewhere sends no event).
  useEffect(() => {
    if (groups.loaded) void reviewStore(client).getState().refresh();
  }, [client, groups.loaded, groups.items]);
  const changed = () => {
    reload();
    void reviewStore(client).getState().refresh();
  };
  if (groups.error && groups.items.length === 0) return <Alert color="red">{groups.error}</Alert>;
  if (!groups.loaded) return <Text>Loading…</Text>;
  const list = groups.items;
  return (
    <>
      <Text role="status" aria-label="Review groups awaiting a decision" mt="sm">
        {list.length === 0 ? 'No comparison yet: dispatch an order line in shadow mode.' : awaitingDecision ? `${plural(awaitingDecision, 'group')} awaiting a decision.` : 'Every group is decided.'}
      </Text>
      {list.map((g) => (
        <GroupCard key={g.id} group={g} onChanged={changed} />
      ))}
      {groups.error && <Alert color="red">{groups.error}</Alert>}
      {groups.hasMore && <LoadMore shown={`${plural(list.length, 'group')} shown; older groups follow.`} action="Load more groups" loading={groups.loading} onClick={groups.loadMore} />}
    </>
  );
}
