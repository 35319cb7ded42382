import { handler } from './statuses.js';

/** A camera says it is alive; from its first heartbeat on, silence means offline (CAMERA_OFFLINE_SECONDS). */
export default handler<unknown>({
  type: 'device', subtype: 'heartbeat', auth: 'device', success: 'Successful',
  run(_data, { device, alerts, ok }) {
    alerts.heardFrom(device!, true);
    return ok();
  },
});
