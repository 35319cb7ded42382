import type { Key } from '../../ui/strings';

/** The operator's area (role admin): one panel per part of the service, each one server call. */
export type Panel = 'accounts' | 'cameras' | 'chain' | 'reports' | 'audit' | 'packages';
export const PANELS: readonly Panel[] = ['accounts', 'cameras', 'chain', 'reports', 'audit', 'packages'];
export const TITLES: Record<Panel, Key> = {
  accounts: 'adminAccounts', cameras: 'adminCameras', chain: 'adminChain', reports: 'adminReports', audit: 'adminAudit', packages: 'adminPackages',
};
