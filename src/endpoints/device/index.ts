import { endpoint } from '../../envelope/define.js';
import deviceAdd from './device.add.js';
import deviceAlerts from './device.alerts.js';
import deviceBind from './device.bind.js';
import deviceClaim from './device.claim.js';
import deviceFamily from './device.family.js';
import deviceInfo from './device.info.js';
import deviceList from './device.list.js';
import deviceOncall from './device.oncall.js';
import deviceDrill from './device.drill.js';
import deviceReach from './device.reach.js';
import devicePairing from './device.pairing.js';
import devicePause from './device.pause.js';
import deviceUnbind from './device.unbind.js';
import { LOCAL, SHARED } from './statuses.js';

export default endpoint({
  path: '/device', schemas: 'device', token: 'user', local: LOCAL, sharedNumbers: SHARED,
  handlers: [deviceAdd, deviceBind, deviceList, deviceInfo, devicePairing, deviceClaim, deviceUnbind, deviceAlerts, devicePause, deviceOncall, deviceDrill, deviceReach, deviceFamily],
});
