import { endpoint } from '../../envelope/define.js';
import accountDelete from './account.delete.js';
import phoneChange from './phone.change.js';
import accountExport from './account.export.js';
import accountExportStatus from './account.export_status.js';
import accountQuiet from './account.quiet.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/phone', schemas: 'user-phone', token: 'user', local: LOCAL, handlers: [phoneChange, accountDelete, accountExport, accountExportStatus, accountQuiet],
});
