import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ContractClient } from '../../shared/contract';
import type { ConnectionState, ConnectionStore } from '../transport/connection';
import type { PreflightModel, PreflightState } from '../areas/preflight/preflight-store';
import type { AppInfoModel, AppInfoState } from './app-info-store';

/** Everything views need from outside React, created once at start. */
export interface Services {
  client: ContractClient;
  connection: ConnectionStore;
  reconnectNow: (() => void) | null;
  appInfo: AppInfoModel;
  preflight: PreflightModel;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext value={services}>{children}</ServicesContext>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

export function useClient(): ContractClient {
  return useServices().client;
}

export function useConnection<T>(select: (state: ConnectionState) => T): T {
  return useStore(useServices().connection, select);
}

export function useAppInfo<T>(select: (state: AppInfoState) => T): T {
  return useStore(useServices().appInfo.store, select);
}

export function usePreflight<T>(select: (state: PreflightState) => T): T {
  return useStore(useServices().preflight.store, select);
}
