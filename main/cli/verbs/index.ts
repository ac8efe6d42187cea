import type { Verb } from '../verb';
import { preflightVerb } from './preflight';
import { serveVerb } from './serve';
import { nodesVerb } from './nodes';

/** Every verb of `lightbox`, in the order help lists them. */
export const verbs: readonly Verb[] = [serveVerb, preflightVerb, nodesVerb];
