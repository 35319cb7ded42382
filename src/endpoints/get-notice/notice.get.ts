import type { Mode } from '../../db/notices.js';
import { RawJson } from '../../envelope/reply.js';
import { handler } from './statuses.js';

/** Legacy clients send mode as 0, 1, 2 or as a digit string ("2"). */
function modeOf(value: number | string): Mode | null {
  const n = typeof value === 'string' ? (/^\d{1,3}$/.test(value) ? Number(value) : -1) : value;
  return n === 0 || n === 1 || n === 2 ? n : null;
}

/** `before` (an event id) pages by key: the notices older than that one, as fast far back as at the top. */
export default handler<{ mode: number | string; limit?: number; offset?: number; before?: string }>({
  type: 'notice', subtype: 'get', auth: 'user', success: 'successful',
  async run({ mode, limit, offset = 0, before }, { noticeLists, user, ok, fail }) {
    const m = modeOf(mode);
    if (m === null) return fail('MODE_ERROR');
    if (before !== undefined) {
      const json = await noticeLists.listBeforeJson(user!.id, m, limit ?? 20, before);
      return json === null ? fail('EVENT_NOT_FOUND') : ok(new RawJson(json));
    }
    return ok(new RawJson(await noticeLists.listJson(user!.id, m, limit, offset)));
  },
});
