import type { z } from 'zod';
import { NodeError, type Executor } from '../../execution/executors/context';
import type { spec } from './spec';

type Settings = z.output<typeof spec.settings>;

/**
 * notify: the hand-off after a render, per on_success / on_failure and channels. Only records
 * the notifications; the outbox delivers them (a failing endpoint never holds up the run).
 */
export const execute: Executor<Settings> = async (execution) => {
  const settings = execution.settings as { on_success: boolean; on_failure: boolean; channels: ('desktop' | 'webhook')[]; webhook_url?: string };
  const failed = execution.failure;
  if (failed ? !settings.on_failure : !settings.on_success) {
    execution.log(`no notification: ${failed ? 'on_failure' : 'on_success'} is off`);
    return { notification: { type: 'notification', notificationIds: [], sent: false } };
  }
  const input = execution.inputs.asset;
  if (!failed && input?.type !== 'media_asset') throw new NodeError('input "asset" has nothing: no earlier step published a media asset');
  const notification = execution.run.notify({
    nodeId: execution.nodeId,
    event: failed ? 'render.failed' : 'render.succeeded',
    channels: settings.channels,
    webhookUrl: settings.webhook_url,
    asset: input?.type === 'media_asset' ? input : null,
    ...(failed ? { error: failed } : {}),
  });
  execution.log(`${notification.sent ? 'queued' : 'would send'} ${settings.channels.join(' + ')} notification(s)`);
  return { notification };
};
