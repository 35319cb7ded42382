import { endpoint } from '../../envelope/define.js';
import portraitUpload from './portrait.upload.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/portrait', schemas: 'portrait', token: 'user', body: 'upload', local: LOCAL, handlers: [portraitUpload],
});
