import { handler } from './statuses.js';

/** A camera says it is alive; from its first heartbeat on, silence means offline (CAMERA_OFFLINE_SECONDS). */
export default handler<unknown>({
  type: 'device', subtype: 'heartbeat', auth: 'device', success: 'Successful',
  // answered once the heartbeat is recorded: a camera (or a family member's list) asking right after sees it
  async run(_data, { device, liveness, ok }) {
    await liveness.heardFrom(device!, true);
    return ok();
  },
});
