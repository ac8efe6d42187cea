import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../../shared/contract';
import { createPreloadBridge } from './bridge';

// The page gets the contract's methods and events and nothing else: no ipcRenderer, no Node.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadBridge(ipcRenderer));
