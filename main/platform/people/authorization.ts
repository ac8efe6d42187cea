import { methods, type MethodName } from '../../../shared/contract/methods';
import type { Person, Role } from './roles';

/**
 * What the hub does beyond the contract's methods: managing people and render agents' tokens.
 * Named like methods so one table and one audit log cover both.
 */
export const HUB_ACTIONS = ['people.add', 'people.list', 'people.revoke', 'agents.issueToken', 'agents.revokeToken', 'audit.list'] as const;
export type HubAction = (typeof HUB_ACTIONS)[number];
export type Guarded = MethodName | HubAction;

/**
 * A rule in words. `read`: open to every person with a working token (nothing changes).
 * `role`: only the roles listed; `action` completes "… needs the lead role".
 */
export type Rule = { kind: 'read'; action: string } | { kind: 'role'; roles: readonly Role[]; action: string };

const read = (action: string): Rule => ({ kind: 'read', action });
// Artists author workflows and output types and run them; leads are senior artists and may too.
const author = (action: string): Rule => ({ kind: 'role', roles: ['artist', 'lead'], action });
// Only leads judge the migration: approvals and rollout modes.
const lead = (action: string): Rule => ({ kind: 'role', roles: ['lead'], action });
// Admins run the hub: people, agent tokens, this machine's settings and tools.
const admin = (action: string): Rule => ({ kind: 'role', roles: ['admin'], action });

/**
 * Which role every contract method and hub action needs. Typed over every name, so a method
 * added to shared/contract/methods.ts does not compile until it has a rule here (and
 * authorization.test.ts checks the same at run time).
 */
export const RULES: { readonly [G in Guarded]: Rule } = {
  'app.info': read("reading the hub's version and data directory"),
  'settings.get': read('reading the settings'),
  'settings.defaults': read('reading the default settings'),
  'settings.update': admin("changing the hub's settings"),
  'settings.setDataDir': admin("moving the hub's data directory"),
  'preflight.run': admin("checking the hub machine's tools"),
  'preflight.last': read('reading the last tools check'),
  'nodes.list': read('listing node types'),
  'workflows.list': read('listing workflows'),
  'workflows.get': read('reading a workflow'),
  'workflows.save': author('saving a workflow'),
  'workflows.validate': read('validating a workflow'),
  'workflows.delete': author('deleting a workflow'),
  'workflows.revisions': read("reading a workflow's revisions"),
  'legacy.import': author('importing legacy presets'),
  'legacy.migrate': author('migrating legacy presets to workflows'),
  'farm.status': read('reading the farm status'),
  'farm.cancel': author('cancelling farm tasks'),
  'farm.agentTokens.create': admin('issuing a render agent token'),
  'farm.agentTokens.list': admin('listing render agent tokens'),
  'farm.agentTokens.revoke': admin('revoking a render agent token'),
  'farm.agents.drain': admin('draining a render agent'),
  'cad.uploadBegin': author('uploading a CAD file'),
  'cad.uploadChunk': author('uploading a CAD file'),
  'cad.uploadFinish': author('uploading a CAD file'),
  'cad.list': read('listing CAD files'),
  'cad.summary': read('counting CAD files'),
  'cad.delete': author('deleting a CAD file'),
  'cad.retry': author('ingesting a CAD file again'),
  'cad.get': read('reading a CAD file'),
  'cad.thumbnail': read("reading a CAD file's thumbnail"),
  'outputTypes.list': read('listing output types'),
  'orders.create': author('creating an order'),
  'orders.list': read('listing orders'),
  'orders.lines': read('listing order lines'),
  'orders.summary': read('counting orders'),
  'orders.line': read('reading an order line'),
  'orders.dispatch': author('dispatching an order line'),
  'orders.cancel': author('cancelling an order line'),
  'orders.archive': author('archiving an order'),
  'orders.unarchive': author('bringing back an archived order'),
  'assets.list': read('listing media assets'),
  'assets.preview': read('previewing a media asset'),
  'notifications.list': read('listing notifications'),
  'runs.comparison': read("reading a run's comparison"),
  'workflows.plan': read('planning a workflow run'),
  'workflows.run': author('running a workflow'),
  'runs.list': read('listing runs'),
  'runs.get': read('reading a run'),
  'runs.cancel': author('cancelling a run'),
  'runs.rerun': author('re-running a run'),
  'runs.file': read("reading a run's file"),
  'outputTypes.defaults': read("reading a workflow's profile defaults"),
  'outputTypes.validate': read('checking an output type draft'),
  'outputTypes.create': author('creating an output type'),
  'outputTypes.update': author('editing an output type'),
  'outputTypes.get': read('reading an output type'),
  'comparisons.list': read('listing comparisons'),
  'comparisons.summary': read('counting comparisons'),
  'comparisons.get': read('reading a comparison'),
  'comparisons.heatmap': read("reading a comparison's heatmap"),
  'comparisons.review': lead('approving or rejecting a comparison'),
  'review.groups': read('listing review groups'),
  'review.members': read("listing a review group's comparisons"),
  'review.decide': lead('approving or rejecting a review group'),
  // Opening is looking: anyone may; the approval that relies on it is a lead's.
  'review.open': read('recording that a comparison was opened'),
  'review.excuse': lead('excusing a difference from review'),
  'review.thumbnails': read("reading a review group's contact sheet"),
  'rollout.status': read('reading the rollout status'),
  'rollout.log': read('reading the log of mode changes'),
  'rollout.set': lead('changing a rollout mode'),
  'rollout.tryRevision': lead('trying a workflow revision in shadow (a rollout mode change)'),
  'rollout.setRules': lead("changing the rollout gate's rules"),
  // Syncing reads for anyone with a working token; pushing revisions is authoring.
  'sync.pull': read("pulling the hub's workflow revisions"),
  'sync.push': author('pushing workflow revisions to the hub'),
  'sync.run': author('syncing with a hub'),
  'sync.status': read('reading the sync status'),
  'sync.conflicts': read('listing sync conflicts'),
  'sync.resolve': author('resolving a sync conflict'),
  'people.add': admin('adding a person'),
  'people.list': admin('listing people'),
  'people.revoke': admin("revoking a person's token"),
  'agents.issueToken': admin('issuing a render agent token'),
  'agents.revokeToken': admin('revoking a render agent token'),
  'audit.list': admin('reading the audit log'),
};

export type Decision = { allowed: boolean; rule: Rule; reason: string };

const article = (role: Role) => (role === 'artist' || role === 'admin' ? 'an' : 'a');
const roleList = (roles: readonly Role[]) => (roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.slice(0, -1).join(', ')} or ${roles.at(-1)} role`);

/** The rule in words, without a person: "approving or rejecting a comparison needs the lead role". */
export function describeRule(rule: Rule): string {
  return rule.kind === 'read' ? `${rule.action} is open to every person` : `${rule.action} needs ${roleList(rule.roles)}`;
}

/**
 * Allow or deny one call, with the rule in words either way, e.g. "approving or rejecting a
 * comparison needs the lead role; maria is an artist". No person (no token, an unknown one) and a
 * revoked person are denied everything, reads included.
 */
export function authorize(person: Person | null, method: string): Decision {
  const rule = Object.prototype.hasOwnProperty.call(RULES, method) ? RULES[method as Guarded] : undefined;
  if (!rule) return { allowed: false, rule: admin(`calling "${method}"`), reason: `"${method}" is not a method of this hub` };
  const words = describeRule(rule);
  if (!person) return { allowed: false, rule, reason: `${words}, and every call needs a person's token; none was given` };
  if (person.revokedAt) return { allowed: false, rule, reason: `${words}; the token of ${person.name} was revoked at ${person.revokedAt}` };
  if (rule.kind === 'read') return { allowed: true, rule, reason: `${words}; ${person.name} is ${article(person.role)} ${person.role}` };
  const allowed = rule.roles.includes(person.role);
  return { allowed, rule, reason: `${words}; ${person.name} is ${article(person.role)} ${person.role}` };
}

/** True for what changes something: what the audit log must record. */
export function isChange(method: Guarded): boolean {
  return RULES[method].kind !== 'read';
}

/** Every guarded name, for the coverage test and the hub's startup check. */
export const GUARDED: readonly Guarded[] = [...(Object.keys(methods) as MethodName[]), ...HUB_ACTIONS];
