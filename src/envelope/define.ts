import { GLOBAL, type GlobalKey, type StatusTable } from '../status.js';
import type { Ctx, EndpointSpec, HandlerSpec, Reply } from './types.js';

/**
 * Binds handler definitions to an endpoint's local status table, so that
 * `fail('KEY')` only accepts keys of that table or the global one.
 */
export function handlersFor<L extends StatusTable>(_local: L) {
  return function handler<D = Record<string, unknown>>(spec: HandlerSpec<Extract<keyof L, string>, D>) {
    return spec;
  };
}

export function endpoint(spec: EndpointSpec): EndpointSpec {
  return spec;
}

export function replyFor(local: StatusTable, success: string): Pick<Ctx<string>, 'ok' | 'fail'> {
  return {
    ok: (data: unknown = {}): Reply => ({ status: 0, message: success, data }),
    fail: (key: string, data: unknown = {}): Reply => {
      const entry = local[key] ?? GLOBAL[key as GlobalKey];
      if (!entry) throw new Error(`unknown status key ${key}`);
      return { status: entry[0], message: entry[1], data };
    },
  };
}
