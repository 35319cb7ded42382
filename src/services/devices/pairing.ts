import QRCode from 'qrcode';
import type { Clock } from '../../clock.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Database, Tx } from '../../db/engine.js';
import type { PairingStore } from '../../db/pairing.js';
import { randomHex128, randomString, sha256Hex } from '../shared/index.js';

export const PAIRING_SECONDS = 300;
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const PREFIX = 'HELPAGED-PAIR:';

export type ClaimResult = { ok: true; device: DeviceRow & { sn: string } } | { ok: false; why: 'gone' | 'name_taken' };

/**
 * Pairing by QR code: an account asks for a short one-use code (8 characters,
 * 31^8 possibilities, 300 s), shows it as a QR code, and the camera or band
 * that reads it claims it: it gets its own device id, bound to that account.
 */
export class Pairing {
  constructor(private readonly db: Database, private readonly store: PairingStore, private readonly devices: DeviceStore, private readonly clock: Clock) {}

  async create(userId: number): Promise<{ pairing_code: string; qrcode: string; expires_in: number }> {
    const code = randomString(8, ALPHABET);
    const now = this.clock.now();
    await this.db.transaction((tx) => this.store.insert(tx, { codeHash: sha256Hex(code), userId, createdAt: now, expiresAt: now + PAIRING_SECONDS * 1000 }));
    const png = await QRCode.toBuffer(PREFIX + code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
    return { pairing_code: code, qrcode: png.toString('base64'), expires_in: PAIRING_SECONDS };
  }

  /** A device that was paired before (same sn) gets a new id and keeps its row. */
  claim(pairingCode: string, sn: string, name?: string, model?: string, claimed?: (tx: Tx, userId: number, device: DeviceRow) => Promise<void>): Promise<ClaimResult> {
    const code = pairingCode.trim().toUpperCase().replace(PREFIX, '');
    const now = this.clock.now();
    return this.db.transaction<ClaimResult>(async (tx, abort) => {
      const userId = await this.store.take(tx, sha256Hex(code), now);
      if (userId === null) abort({ ok: false, why: 'gone' });
      const deviceId = randomHex128();
      const existing = await this.devices.bySn(tx, sn);
      let device: DeviceRow | null | undefined;
      if (existing) {
        const newName = name ?? existing.name;
        if (newName !== existing.name && await this.devices.nameTaken(tx, newName)) abort({ ok: false, why: 'name_taken' });
        await this.devices.reassign(tx, existing.id, { deviceId, name: newName, ...(model ? { model } : {}) });
        if (newName !== existing.name) await this.devices.onChange(tx, 'all');
        device = await this.devices.byToken(tx, deviceId);
      } else {
        device = await this.devices.create(tx, name ?? `${model ?? 'device'}-${sn}`, deviceId, userId!, now, { sn, model: model ?? null });
        if (!device) abort({ ok: false, why: 'name_taken' });
      }
      await this.devices.bind(tx, userId!, device!.id, now);
      await claimed?.(tx, userId!, device!);
      return { ok: true, device: { ...device!, sn } };
    });
  }
}
