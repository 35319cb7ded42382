import { endpoint } from '../../envelope/define.js';
import pushKey from './push.key.js';
import pushSubscribe from './push.subscribe.js';
import pushUnsubscribe from './push.unsubscribe.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/push', schemas: 'push', token: 'user', local: LOCAL, handlers: [pushKey, pushSubscribe, pushUnsubscribe],
});
