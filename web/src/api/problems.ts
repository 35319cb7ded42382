import type { Reply } from './client';
import type { StatusKey } from './statuses';
import type { Key } from '../ui/strings';

/** What the person was doing when a call was refused: some refusals read differently in each. */
export type Mode = 'password' | 'sms' | 'register' | 'forgot';
/** Where a refusal is read: a sign-in mode, or a screen that has no words of its own for it (camera settings). */
type Where = Mode | 'camera';

type Words = Key | Partial<Record<Where, Key>> & { other?: Key };

/**
 * The one table of what a refusal means to a person: a status key (of the answering URL's table or the
 * global one, api/statuses.ts) to the catalogue's words, by what was being done where they differ.
 */
const PROBLEMS: Partial<Record<StatusKey, Words>> = {
  DATA_KEY: { password: 'errorLogin', other: 'errorPhone' },
  VALUE_TYPE: { password: 'errorLogin', other: 'errorPhone' },
  VALUE: { password: 'errorLogin', other: 'errorPhone' },
  PHONE_FORMAT: 'errorPhone',
  HASH_EXPIRED: 'errorCode',
  HASH_ERROR: 'errorCode',
  SMS_LIMIT_30S: 'errorWait',
  SMS_LIMIT_HOUR: 'errorWait',
  SMS_LIMIT_DAY: 'errorWait',
  INCORRECT_USER: { password: 'errorLogin', forgot: 'errorNoAccount', sms: 'errorNoAccount' },
  WRONG_PASSWORD: { password: 'errorLogin' },
  LOCKED: { password: 'errorTooMany' },
  PHONE_EXISTS: 'errorPhoneTaken',
  ANSWERS_OFF: 'answersOff',
};

/** A refusal in plain words: the table's, or the status and the server's message when it has none. */
export function problem(reply: Reply<unknown>, mode: Where, t: (k: Key, p?: Record<string, string | number>) => string): string {
  const wait = (reply.data as { retry_after?: number } | null)?.retry_after ?? 60;
  const words = PROBLEMS[reply.key];
  const key = typeof words === 'string' ? words : words?.[mode] ?? words?.other;
  return key ? t(key, { s: wait }) : t('errorGeneric', { status: reply.status, message: reply.message });
}
