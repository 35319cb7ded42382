/**
 * The README's example of a new `type.subtype` ("Adding a type.subtype"), compiled by `npm test` so that it
 * stays true to the handler API; test/layout.test.ts checks that the README quotes it as it is. It is not
 * wired into the server: its status table is the endpoint's plus the new refusal, made here.
 */
import { handlersFor } from '../../src/envelope/define.js';
import { LOCAL } from '../../src/endpoints/get-notice/statuses.js';

const handler = handlersFor({ ...LOCAL, NO_NOTICE: [104, 'No notice yet'] } as const);

export default handler({
  type: 'notice', subtype: 'latest', auth: 'user', success: 'successful',
  async run(_data, { notices, noticeLists, read, user, ok, fail }) {
    const [latest] = await notices.list(read, user!.id, 2, 1, 0);
    return latest ? ok((await noticeLists.toPublic(read, [latest]))[0]) : fail('NO_NOTICE');
  },
});
