import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ErrorCodes, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallResult } from '../../../shared/contract';
import type { Dispatch } from '../../platform/transport/dispatch';
import type { EventBus } from '../../platform/transport/event-bus';
import { APP_ORIGIN } from './renderer-protocol';
import { isTrustedSender } from './bridge';

/**
 * Carries the contract over IPC. Only calls from our own window's top frame, loaded from the
 * app origin, are answered; payloads are validated by the same dispatch as the headless host.
 */
export function bridgeIpc(window: BrowserWindow, dispatch: Dispatch, events: EventBus): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean =>
    isTrustedSender(
      {
        isOurWindow: !window.isDestroyed() && event.sender === window.webContents,
        isMainFrame: event.senderFrame !== null && event.senderFrame === window.webContents.mainFrame,
        frameUrl: event.senderFrame?.url ?? null,
      },
      APP_ORIGIN,
    );

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<CallResult> => {
    if (!trusted(event)) {
      return { ok: false, error: { code: ErrorCodes.unauthorized, message: 'call from an untrusted frame', path: '' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: ErrorCodes.badRequest, message: 'method must be a string', path: '' } };
    }
    return dispatch(method, input, { transport: 'ipc' });
  });

  const unsubscribe = events.subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
