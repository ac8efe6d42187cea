import { ErrorCodes, type ApiError } from '../../../shared/contract/errors';
import { auditTarget, type AuditLog } from './audit-log';
import { authorize, describeRule, GUARDED, isChange, type Guarded } from './authorization';
import type { PeopleStore } from './people-store';
import type { Person } from './roles';

export type GuardAnswer =
  | { ok: true; person: Person; /** Call `done` once the call ran: a change is recorded with its outcome. */ done: (error?: ApiError) => void }
  | { ok: false; /** 401 without a working token, 403 when the role does not allow it (the transports map the code). */ error: ApiError };

/**
 * What the hub puts in front of its dispatch: who is calling (their token), may they (the
 * rules of authorization.ts, refused with the rule in words), and the audit log (every refusal,
 * and every change with its outcome; reads are not logged). The hub wires it into its HTTP and
 * socket transport (main/entry/host/hub-access.ts).
 */
export function createCallGuard(deps: { people: PeopleStore; audit: AuditLog }) {
  return {
    check(token: string | undefined, method: string, input: unknown): GuardAnswer {
      const target = auditTarget(input);
      const who = token ? deps.people.authenticate(token) : null;
      const person = who?.ok ? who.person : null;
      const decision = authorize(person, method);
      if (!decision.allowed) {
        const refusedToken = who && !who.ok ? who : null;
        const reason = refusedToken ? `${describeRule(decision.rule)}; ${refusedToken.message}` : decision.reason;
        const code = !GUARDED.includes(method as Guarded) ? ErrorCodes.unknownMethod : person ? ErrorCodes.forbidden : ErrorCodes.unauthorized;
        deps.audit.record({ who: person?.name ?? (refusedToken ? `(${refusedToken.reason} token)` : '(no token)'), role: person?.role ?? null, method, target, outcome: 'denied', detail: reason });
        return { ok: false, error: { code, message: reason, path: '' } };
      }
      const admitted = person as Person;
      return {
        ok: true,
        person: admitted,
        done: (error) => {
          if (!isChange(method as Guarded)) return;
          deps.audit.record({ who: admitted.name, role: admitted.role, method, target, outcome: error ? 'failed' : 'allowed', detail: error ? `${error.code}: ${error.message}`.slice(0, 500) : null });
        },
      };
    },
  };
}
