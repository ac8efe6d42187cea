import { describe, expect, it } from 'vitest';
import { methods } from '../../../shared/contract/methods';
import { authorize, describeRule, GUARDED, HUB_ACTIONS, isChange, RULES } from './authorization';
import type { Person, Role } from './roles';

const person = (name: string, role: Role, revokedAt: string | null = null): Person => ({ name, role, createdAt: '2026-12-01T00:00:00.000Z', revokedAt });
const maria = person('maria', 'artist');
const olaf = person('olaf', 'lead');
const ada = person('ada', 'admin');

describe('authorization', () => {
  it('has a rule for every method of the contract and every hub action, and nothing else', () => {
    const names = Object.keys(methods);
    expect(names.length).toBeGreaterThan(40);
    for (const name of names) expect(RULES, `no rule for ${name}`).toHaveProperty([name]);
    expect(Object.keys(RULES).sort()).toEqual([...names, ...HUB_ACTIONS].sort());
    expect([...GUARDED].sort()).toEqual(Object.keys(RULES).sort());
    for (const rule of Object.values(RULES)) expect(rule.action).toMatch(/^[a-z]/);
  });

  it('artists author workflows and output types; only leads approve or reject comparisons and change rollout modes', () => {
    for (const m of ['workflows.save', 'workflows.delete', 'outputTypes.create', 'outputTypes.update', 'legacy.migrate'] as const) {
      expect(authorize(maria, m).allowed, m).toBe(true);
      expect(authorize(ada, m).allowed, m).toBe(false);
    }
    for (const m of ['comparisons.review', 'rollout.set', 'rollout.tryRevision'] as const) {
      expect(authorize(olaf, m).allowed, m).toBe(true);
      expect(authorize(maria, m).allowed, m).toBe(false);
      expect(authorize(ada, m).allowed, m).toBe(false);
    }
    expect(authorize(maria, 'comparisons.review')).toEqual({
      allowed: false,
      rule: { kind: 'role', roles: ['lead'], action: 'approving or rejecting a comparison' },
      reason: 'approving or rejecting a comparison needs the lead role; maria is an artist',
    });
    expect(authorize(maria, 'rollout.set').reason).toBe('changing a rollout mode needs the lead role; maria is an artist');
    expect(authorize(olaf, 'comparisons.review').reason).toBe('approving or rejecting a comparison needs the lead role; olaf is a lead');
  });

  it('admins manage people and agent tokens, and only they do', () => {
    for (const m of ['people.add', 'people.revoke', 'agents.issueToken', 'agents.revokeToken', 'settings.update'] as const) {
      expect(authorize(ada, m).allowed, m).toBe(true);
      expect(authorize(olaf, m).allowed, m).toBe(false);
      expect(authorize(maria, m).allowed, m).toBe(false);
    }
    expect(authorize(olaf, 'people.add').reason).toBe('adding a person needs the admin role; olaf is a lead');
    expect(authorize(ada, 'workflows.save').reason).toBe('saving a workflow needs the artist or lead role; ada is an admin');
  });

  it('reads are open to every person, and every read changes nothing', () => {
    const reads = Object.entries(RULES).filter(([, r]) => r.kind === 'read');
    expect(reads.map(([m]) => m)).toEqual(expect.arrayContaining(['workflows.get', 'workflows.revisions', 'comparisons.list', 'rollout.status', 'runs.get']));
    for (const [m] of reads) {
      for (const p of [maria, olaf, ada]) expect(authorize(p, m).allowed, `${p.role} ${m}`).toBe(true);
      expect(isChange(m as never)).toBe(false);
      // A read's input schema names no document to save and nothing to review: its name says get/list/…
      expect(m).not.toMatch(/\.(save|delete|create|update|review|set|cancel|add|revoke)$/);
    }
    expect(authorize(maria, 'workflows.get').reason).toBe('reading a workflow is open to every person; maria is an artist');
  });

  it('no person, a revoked one, or an unknown method is denied everything', () => {
    expect(authorize(null, 'workflows.get')).toMatchObject({ allowed: false, reason: "reading a workflow is open to every person, and every call needs a person's token; none was given" });
    const gone = person('olaf', 'lead', '2026-12-02T08:00:00.000Z');
    expect(authorize(gone, 'comparisons.review')).toMatchObject({ allowed: false, reason: 'approving or rejecting a comparison needs the lead role; the token of olaf was revoked at 2026-12-02T08:00:00.000Z' });
    expect(authorize(gone, 'workflows.get').allowed).toBe(false);
    expect(authorize(ada, 'system.shutdown')).toMatchObject({ allowed: false, reason: '"system.shutdown" is not a method of this hub' });
    expect(authorize(ada, '__proto__').allowed).toBe(false);
  });

  it('says every rule in words', () => {
    expect(describeRule(RULES['workflows.save'])).toBe('saving a workflow needs the artist or lead role');
    expect(describeRule(RULES['rollout.status'])).toBe('reading the rollout status is open to every person');
  });
});
