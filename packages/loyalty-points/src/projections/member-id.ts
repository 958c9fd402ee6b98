import { idOf, type RecordedEvent } from '@dealer-crm/eventsourcing'
import type { LoyaltyEvent } from '../events.js'

/** Each member has one stream `member-<memberId>`; read models key by that id. */
export const memberIdOf = (event: RecordedEvent<LoyaltyEvent>): string => idOf(event.metadata.streamName)
