import { ref } from 'vue';
import { Api, type Order } from './api';
import { type ConsoleConfig, isLocal } from './config';
import { configureSignIn, session } from './session';

/** The console's singletons: its configuration and the API client, set once at startup (main.ts). */
export const apiReachable = ref(true);

let current: { config: ConsoleConfig; api: Api } | undefined;

export function startServices(config: ConsoleConfig): void {
  configureSignIn(config);
  current = { config, api: new Api(config.apiUrl, () => session.token, (reachable) => (apiReachable.value = reachable)) };
}

export function useApi(): Api {
  if (!current) throw new Error('startServices() runs before the app mounts');
  return current.api;
}

export function useConfig(): ConsoleConfig {
  if (!current) throw new Error('startServices() runs before the app mounts');
  return current.config;
}

export const localCloud = (): boolean => isLocal(useConfig());

/**
 * Orders just created, by id: the order list and GET /orders/{id} read a view that
 * may lag the write by a moment, so the order page starts from what POST /orders answered.
 */
export const recentOrders = new Map<string, Order>();
