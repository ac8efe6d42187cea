import os from 'node:os';
import type { ReviewDecision } from '../../../../shared/comparison/api';
import type { z } from 'zod';
import type { ReviewGroup, ReviewGroupMember, ReviewGroupsOutput } from '../../../../shared/comparison/review-groups';
import { ApiFailure } from '../../../../shared/contract/errors';
import type { MethodName } from '../../../../shared/contract/methods';
import type { Backend } from '../../app/backend';
import { pageHelp, pageOptions, pageUsage, printList } from './list-paging';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { positiveInt, printJson, withBackend } from './production-common';

type ReviewGroupsPage = z.infer<typeof ReviewGroupsOutput>;

const short = (hash: string | null) => (hash ? hash.slice(0, 12) : '-');
const groupLine = (g: ReviewGroup) =>
  `${g.id}  ${g.outputTypeKey}  ${g.workflowId ?? '(no workflow)'} rev ${g.workflowRevisions.join(',') || '-'} (${short(g.workflowContentHash)})  ` +
  `${g.counts.pass} pass, ${g.counts.warn} warn, ${g.counts.fail} fail on ${g.cadFiles} CAD file${g.cadFiles === 1 ? '' : 's'}  ` +
  (g.awaitingDecision ? `PENDING ${g.pending.counts.total}${g.pending.unresolved ? ` (${g.pending.unresolved} unopened difference${g.pending.unresolved === 1 ? '' : 's'})` : ''}` : `${g.lastDecision?.decision === 'approve' ? 'approved' : 'rejected'} by ${g.lastDecision?.who}`);
const memberState = (m: ReviewGroupMember) => (m.excuse ? `excused by ${m.excuse.who}: ${m.excuse.reason}` : m.openedBy.length ? `opened by ${m.openedBy.join(', ')}` : m.pending ? 'NOT OPENED' : `decided: ${m.review ?? '-'}`);
const memberLine = (m: ReviewGroupMember) => `${m.verdict.toUpperCase()} ${m.comparisonId}  ${memberState(m)}  ${m.reasons[0] ?? ''}`;

/** Throws the contract's refusal (the CLI prints it by its path), else answers the result. */
async function call<T>(backend: Backend, method: MethodName, input: Record<string, unknown>): Promise<T> {
  const answer = await backend.dispatch(method, input as never, { transport: 'ipc' });
  if (!answer.ok) throw new ApiFailure(answer.error.code, answer.error.message, answer.error.path);
  return answer.result as T;
}

export const reviewListVerb: Verb = {
  name: 'review list',
  summary: 'Review groups (output type × workflow content), a page at a time: counts by verdict, CAD files covered, the pending set and its first differences; groups awaiting a decision first.',
  usage: 'lightbox review list [--output-type KEY] [--pending] [--limit N] [--cursor C | --all] [--json] [--data-dir DIR]',
  optionHelp: [
    ['--output-type KEY', 'only this output type'],
    ['--pending', 'only groups awaiting a decision'],
    ['--limit N', 'groups per page (default 5, at most 50)'],
    ['--cursor C', 'the page after this one: the cursor the previous page printed'],
    ['--all', 'every group, page by page, printed as JSON lines'],
    ['--json', 'print the page as JSON (the review.groups method)'],
    dataDirHelp,
  ],
  options: { ...dataDirOption, ...pageOptions, 'output-type': { type: 'string' }, pending: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const limit = positiveInt(values.limit, '--limit');
    if (limit !== undefined && limit > 50) throw new UsageError(`--limit must be at most 50, not "${String(values.limit)}"`);
    return withBackend(values, 'review list', io, async (backend, json) => {
      const page = (cursor: string | undefined) =>
        call<ReviewGroupsPage>(backend, 'review.groups', {
          ...(typeof values['output-type'] === 'string' ? { outputTypeKey: values['output-type'] } : {}),
          ...(values.pending === true ? { awaiting: true } : {}),
          ...(limit ? { limit } : {}),
          ...(cursor ? { cursor } : {}),
        });
      let cursor = typeof values.cursor === 'string' ? values.cursor : undefined;
      if (values.all === true) {
        do {
          const next = await page(cursor);
          for (const g of next.groups) io.stdout(`${JSON.stringify(g)}\n`);
          cursor = next.nextCursor ?? undefined;
        } while (cursor);
        return EXIT_OK;
      }
      const listed = await page(cursor);
      if (json) printJson(io, listed);
      else {
        io.stdout(`${listed.awaitingDecision} group${listed.awaitingDecision === 1 ? '' : 's'} awaiting a decision\n`);
        for (const g of listed.groups) {
          io.stdout(`${groupLine(g)}\n`);
          // Differences are never averaged away: each pending one is named, the rest one command away.
          const byId = new Map(g.members.map((m) => [m.comparisonId, m]));
          const shown = g.differences.comparisonIds.map((id) => byId.get(id) as ReviewGroupMember).filter((m) => m.pending);
          for (const m of shown) io.stdout(`    ${memberLine(m)}\n`);
          if (g.differences.nextCursor) io.stdout(`    More differences: lightbox review members ${g.id} --differences\n`);
        }
        if (listed.nextCursor) io.stdout(`More groups: --cursor ${listed.nextCursor}\n`);
      }
      return EXIT_OK;
    });
  },
};

export const reviewMembersVerb: Verb = {
  name: 'review members',
  summary: "A review group's comparisons (or only its differences), pending first, then fail, warn, pass and the worst pixel delta, a page at a time.",
  usage: `lightbox review members GROUP [--differences] ${pageUsage} [--data-dir DIR]`,
  optionHelp: [['--differences', 'only the warn and fail comparisons'], ...pageHelp, dataDirHelp],
  options: { ...dataDirOption, ...pageOptions, differences: { type: 'boolean' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one review group (see lightbox review list)');
    return withBackend(values, 'review members', io, (backend) =>
      printList<ReviewGroupMember>(backend, io, values, {
        method: 'review.members',
        input: { groupId: positionals[0], ...(values.differences === true ? { differences: true } : {}) },
        key: 'members',
        empty: 'No comparisons.',
        line: memberLine,
      }),
    );
  },
};

const decideVerb = (decision: ReviewDecision): Verb => ({
  name: `review ${decision}`,
  summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a review group's pending set with a note${decision === 'approve' ? ' (refused while a pending warn or fail was neither opened nor excused)' : ''}; later comparisons start a new pending set.`,
  usage: `lightbox review ${decision} GROUP --note TEXT [--json] [--data-dir DIR]`,
  optionHelp: [['--note TEXT', 'why (required; kept with the decision and each review)'], ['--json', 'print the decision and the group as JSON (the review.decide method)'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' }, note: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one review group (see lightbox review list)');
    if (typeof values.note !== 'string' || !values.note.trim()) throw new UsageError('--note TEXT is required: say why');
    const note = values.note;
    return withBackend(values, `review ${decision}`, io, async (backend, json) => {
      const decided = backend.production.reviewGroups.decide({ groupId: positionals[0] as string, decision, note, who: os.userInfo().username });
      if (json) printJson(io, decided);
      else io.stdout(`${decided.group.id}: ${decision === 'approve' ? 'approved' : 'rejected'} ${decided.decision.comparisonCount} comparison${decided.decision.comparisonCount === 1 ? '' : 's'}\n`);
      return EXIT_OK;
    });
  },
});

export const reviewApproveVerb = decideVerb('approve');
export const reviewRejectVerb = decideVerb('reject');

export const reviewExcuseVerb: Verb = {
  name: 'review excuse',
  summary: 'Excuse a warn or fail comparison with a reason, so its group can be approved without opening it.',
  usage: 'lightbox review excuse COMPARISON --reason TEXT [--json] [--data-dir DIR]',
  optionHelp: [['--reason TEXT', 'why this difference does not matter (required)'], ['--json', 'print the comparison as its group lists it'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' }, reason: { type: 'string' } },
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UsageError('name exactly one comparison');
    if (typeof values.reason !== 'string' || !values.reason.trim()) throw new UsageError('--reason TEXT is required: say why the difference is excused');
    const reason = values.reason;
    return withBackend(values, 'review excuse', io, async (backend, json) => {
      const member = backend.production.reviewGroups.excuse({ comparisonId: positionals[0] as string, reason, who: os.userInfo().username });
      if (json) printJson(io, member);
      else io.stdout(`${member.comparisonId} (${member.verdict}) excused\n`);
      return EXIT_OK;
    });
  },
};
