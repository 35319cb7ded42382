import type { Terminal } from '../../services/accounts/index.js';

/** The optional `device` of login.pass / login.sms / login.wechat, as the client names its terminal. */
export interface DeviceData {
  device_no: string;
  device_name?: string;
  device_brand?: string;
  device_model?: string;
  plat_id?: number;
}

export function terminalOf(device: DeviceData | undefined): Terminal | undefined {
  return device && {
    deviceNo: device.device_no,
    deviceName: device.device_name ?? null,
    deviceBrand: device.device_brand ?? null,
    deviceModel: device.device_model ?? null,
    platId: device.plat_id ?? null,
  };
}

/** What the audit trail records of a sign-in: how, and from which terminal the client named (if it named one). */
export function signinDetail(method: 'pass' | 'sms' | 'wechat', device: DeviceData | undefined, reason?: string): Record<string, unknown> {
  return {
    method,
    ...(reason ? { reason } : {}),
    ...(device ? { terminal: { device_no: device.device_no, device_name: device.device_name ?? null, device_model: device.device_model ?? null } } : {}),
  };
}

/** `enduring`: 1 or true is long-lived, anything else not. */
export const isEnduring = (value: unknown) => value === 1 || value === true;
