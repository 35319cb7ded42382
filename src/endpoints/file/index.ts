import { endpoint } from '../../envelope/define.js';
import fileParams from './file.params.js';
import { LOCAL } from './statuses.js';

export default endpoint({ path: '/file', schemas: 'file', token: 'user', local: LOCAL, handlers: [fileParams] });
