import { z } from 'zod';
import { PageFields } from '../paging/page';
import { CadStatusSchema } from './api';

/** The CAD library newest first; search matches the file name and the id. */
export const CadListInput = z.object({ status: CadStatusSchema.optional(), format: z.string().max(32).optional(), ...PageFields }).strict();

/** How many CAD files of each status (the library's header), without reading them. */
export const CadSummarySchema = z.object({ total: z.number().int(), ingesting: z.number().int(), ready: z.number().int(), failed: z.number().int() });
