import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { createDealership, type Dealership } from '../src/index.js'
import {
  complaintSteps,
  liSi,
  mondayAt,
  recordDelivery,
  referralSteps,
  registerProspect,
  zhangSan,
} from './fixtures.js'

/** The whole-dealership story of the end-to-end test: delivery, verified referral, complaint, points. */
export const runStory = async (dealership: Dealership): Promise<void> => {
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
  for (const step of referralSteps(mondayAt)) await dealership.referralVerification(step)
  await dealership.runProcessManagers()
  for (const step of complaintSteps(mondayAt, 500)) await dealership.complaintWorkflow(step)
  await dealership.runProcessManagers()
}

/** The story's events in log order (decoded), to be copied under other ids. */
export const storyEvents = async (): Promise<
  ReadonlyArray<{ readonly streamName: string; readonly type: string; readonly data: unknown }>
> => {
  const clock = manualClock(mondayAt(0))
  const dealership = createDealership({ clock, random: seededRandom(7) })
  await runStory(dealership)
  const events = []
  for await (const e of dealership.store.readAll())
    events.push({ streamName: e.metadata.streamName, type: e.type, data: e.data })
  await dealership.close()
  return events
}
