import { z } from 'zod';
import { obj, ORDER_LINE, nodeTraits, type NodeSpec } from '../../../shared/nodes/node-spec';
import { input, output } from '../../../shared/nodes/ports';
import { NotifyChannel } from '../../../shared/nodes/settings-parts';

/** Notify: ports, families, settings (with defaults) and traits. Pure: the editor validates with it too. */
export const spec = {
  type: 'notify',
  version: 1,
  title: 'Notify',
  description: 'Hands off the published asset: desktop notification and/or webhook. Sends only in authoritative runs.',
  category: 'output',
  families: ORDER_LINE,
  inputs: [input('asset', 'Media asset', ['media_asset'])],
  outputs: [output('notification', 'Notification', 'notification')],
  settings: obj({
    on_success: z.boolean().default(true),
    on_failure: z.boolean().default(true),
    channels: z.array(NotifyChannel).min(1).default(['desktop']),
    webhook_url: z.url({ protocol: /^https?$/ }).optional(),
  }).check((ctx) => {
    if (ctx.value.channels.includes('webhook') && !ctx.value.webhook_url) {
      ctx.issues.push({ code: 'custom', path: ['webhook_url'], message: 'is required when channels includes "webhook"', input: ctx.value });
    }
  }) as unknown as z.ZodObject,
  isOutput: true,
  legacyService: 'notify',
  upgrades: [],
  traits: nodeTraits({ runsOnFailure: true }),
} satisfies NodeSpec;
