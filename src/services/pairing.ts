import { and, eq, isNull, gt } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Clock } from '../clock.js';
import { atomically, type Db } from '../db/client.js';
import type { DeviceRow, DeviceStore } from '../db/devices.js';
import { devices, pairingCodes } from '../db/schema.js';
import { randomHex128, randomString, sha256Hex } from './random.js';

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
  constructor(private readonly db: Db, private readonly devices: DeviceStore, private readonly clock: Clock) {}

  async create(userId: number): Promise<{ pairing_code: string; qrcode: string; expires_in: number }> {
    const code = randomString(8, ALPHABET);
    const now = this.clock.now();
    this.db.insert(pairingCodes).values({ codeHash: sha256Hex(code), userId, createdAt: now, expiresAt: now + PAIRING_SECONDS * 1000 }).run();
    const png = await QRCode.toBuffer(PREFIX + code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
    return { pairing_code: code, qrcode: png.toString('base64'), expires_in: PAIRING_SECONDS };
  }

  /** A device that was paired before (same sn) gets a new id and keeps its row. */
  claim(pairingCode: string, sn: string, name?: string, model?: string): ClaimResult {
    const code = pairingCode.trim().toUpperCase().replace(PREFIX, '');
    const now = this.clock.now();
    return atomically<ClaimResult>(this.db, (abort) => {
      const row = this.db.select().from(pairingCodes)
        .where(and(eq(pairingCodes.codeHash, sha256Hex(code)), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now))).get();
      if (!row) abort({ ok: false, why: 'gone' });
      const deviceId = randomHex128();
      const existing = this.db.select({ id: devices.id, name: devices.name }).from(devices).where(eq(devices.sn, sn)).get();
      let device: DeviceRow | null;
      if (existing) {
        const newName = name ?? existing.name;
        if (newName !== existing.name && this.devices.nameTaken(newName)) abort({ ok: false, why: 'name_taken' });
        this.db.update(devices).set({ deviceId, name: newName, ...(model ? { model } : {}) }).where(eq(devices.id, existing.id)).run();
        if (newName !== existing.name) this.devices.onChange('all');
        device = this.devices.byToken(deviceId)!;
      } else {
        device = this.devices.create(name ?? `${model ?? 'device'}-${sn}`, deviceId, row!.userId, now, { sn, model: model ?? null });
        if (!device) abort({ ok: false, why: 'name_taken' });
      }
      this.devices.bind(row!.userId, device!.id, now);
      this.db.update(pairingCodes).set({ usedAt: now }).where(eq(pairingCodes.codeHash, row!.codeHash)).run();
      return { ok: true, device: { ...device!, sn } };
    });
  }
}
