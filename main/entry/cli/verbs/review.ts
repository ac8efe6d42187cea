import os from 'node:os';
import type { ReviewDecision } from '../../../../shared/comparison/api';
import type { ReviewGroup } from '../../../../shared/comparison/review-groups';
import { dataDirHelp, dataDirOption } from '../data-dir-option';
import { EXIT_OK, UsageError, type Verb } from '../verb';
import { printJson, withBackend } from './production-common';

const short = (hash: string | null) => (hash ? hash.slice(0, 12) : '-');
const groupLine = (g: ReviewGroup) =>
  `${g.id}  ${g.outputTypeKey}  ${g.workflowId ?? '(no workflow)'} rev ${g.workflowRevisions.join(',') || '-'} (${short(g.workflowContentHash)})  ` +
  `${g.counts.pass} pass, ${g.counts.warn} warn, ${g.counts.fail} fail on ${g.cadFiles} CAD file${g.cadFiles === 1 ? '' : 's'}  ` +
  (g.awaitingDecision ? `PENDING ${g.pending.counts.total}${g.pending.unresolved.length ? ` (${g.pending.unresolved.length} unopened difference${g.pending.unresolved.length === 1 ? '' : 's'})` : ''}` : `${g.lastDecision?.decision === 'approve' ? 'approved' : 'rejected'} by ${g.lastDecision?.who}`);

export const reviewListVerb: Verb = {
  name: 'review list',
  summary: 'Review groups (output type × workflow content): counts by verdict, CAD files covered, the pending set; groups awaiting a decision first.',
  usage: 'lightbox review list [--output-type KEY] [--pending] [--json] [--data-dir DIR]',
  optionHelp: [['--output-type KEY', 'only this output type'], ['--pending', 'only groups awaiting a decision'], ['--json', 'print the groups as JSON (the review.groups method)'], dataDirHelp],
  options: { ...dataDirOption, json: { type: 'boolean' }, 'output-type': { type: 'string' }, pending: { type: 'boolean' } },
  async run(values, _positionals, io) {
    return withBackend(values, 'review list', io, async (backend, json) => {
      const listed = backend.production.reviewGroups.groups({
        ...(typeof values['output-type'] === 'string' ? { outputTypeKey: values['output-type'] } : {}),
        ...(values.pending === true ? { awaiting: true } : {}),
      });
      if (json) printJson(io, listed);
      else {
        io.stdout(`${listed.groups.length} group${listed.groups.length === 1 ? '' : 's'}, ${listed.awaitingDecision} awaiting a decision\n`);
        for (const g of listed.groups) {
          io.stdout(`${groupLine(g)}\n`);
          // Differences are never averaged away: each pending one is named.
          for (const m of g.members.filter((x) => x.pending && x.verdict !== 'pass')) {
            const state = m.excuse ? `excused by ${m.excuse.who}: ${m.excuse.reason}` : m.openedBy.length ? `opened by ${m.openedBy.join(', ')}` : 'NOT OPENED';
            io.stdout(`    ${m.verdict.toUpperCase()} ${m.comparisonId}  ${state}  ${m.reasons[0] ?? ''}\n`);
          }
        }
      }
      return EXIT_OK;
    });
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
      else io.stdout(`${decided.group.id}: ${decision === 'approve' ? 'approved' : 'rejected'} ${decided.decision.comparisonIds.length} comparison${decided.decision.comparisonIds.length === 1 ? '' : 's'}\n`);
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
