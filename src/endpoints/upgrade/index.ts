import { endpoint } from '../../envelope/define.js';
import { LOCAL } from './statuses.js';
import upgradeCheck from './upgrade.check.js';
import upgradeUpload from './upgrade.upload.js';
import upgradeList from './upgrade.list.js';
import upgradeDelete from './upgrade.delete.js';

export default endpoint({
  path: '/upgrade', schemas: 'upgrade', token: 'user', body: 'upload', local: LOCAL, handlers: [upgradeUpload, upgradeCheck, upgradeList, upgradeDelete],
});
