import type { z } from 'zod';
import { type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

export const execute: Executor<Settings> = async ({ run }) => ({ values: { type: 'parameters', values: structuredClone(run.parameters ?? {}) } });
