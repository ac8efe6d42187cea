import type { Verb } from '../verb';
import { preflightVerb } from './preflight';
import { serveVerb } from './serve';
import { hubVerb } from './hub';
import { nodesVerb } from './nodes';
import { workflowValidateVerb } from './workflow-validate';
import { workflowMergeVerb } from './workflow-merge';
import { legacyImportVerb } from './legacy-import';
import { legacyMigrateVerb } from './legacy-migrate';
import { cadIngestVerb } from './cad-ingest';
import { farmStatusVerb } from './farm-status';
import { renderVerb } from './render';
import { cadImportVerb } from './cad-import';
import { orderCreateVerb } from './order-create';
import { orderArchiveVerb, orderCancelVerb, orderUnarchiveVerb } from './order-manage';
import { cadDeleteVerb, cadRetryVerb } from './cad-manage';
import { dispatchVerb } from './dispatch';
import { assetsListVerb, cadListVerb, notificationsListVerb, orderLinesVerb, orderListVerb, runsListVerb } from './production-lists';
import { compareVerb } from './compare';
import { rolloutSetVerb, rolloutStatusVerb, rolloutTryVerb } from './rollout';
import { testRenderPipelineVerb } from './test-render-pipeline';
import { goldenVerb } from './golden';
import { workflowExportVerb, workflowImportVerb } from './workflow-transfer';
import { usersAddVerb, usersListVerb, usersRevokeVerb } from './users';
import { syncConflictsVerb, syncResolveVerb, syncVerb } from './sync';
import { agentTokenCreateVerb, agentTokenListVerb, agentTokenRevokeVerb, agentVerb } from './agent';

/** Every verb of `lightbox`, in the order help lists them. */
export const verbs: readonly Verb[] = [serveVerb, hubVerb, preflightVerb, nodesVerb, workflowValidateVerb, workflowMergeVerb, workflowExportVerb, workflowImportVerb, legacyImportVerb, legacyMigrateVerb, cadIngestVerb, renderVerb, farmStatusVerb, agentVerb, agentTokenCreateVerb, agentTokenListVerb, agentTokenRevokeVerb, cadImportVerb, cadListVerb, cadRetryVerb, cadDeleteVerb, orderCreateVerb, orderListVerb, orderLinesVerb, orderCancelVerb, orderArchiveVerb, orderUnarchiveVerb, dispatchVerb, runsListVerb, assetsListVerb, notificationsListVerb, compareVerb, rolloutStatusVerb, rolloutSetVerb, rolloutTryVerb, testRenderPipelineVerb, goldenVerb, usersAddVerb, usersListVerb, usersRevokeVerb, syncVerb, syncConflictsVerb, syncResolveVerb];
