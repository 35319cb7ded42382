import { endpoint } from '../../envelope/define.js';
import healthQuery from './health.query.js';
import healthUpload from './health.upload.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/health', schemas: 'health', token: 'user', body: 'upload', local: LOCAL, handlers: [healthUpload, healthQuery],
});
