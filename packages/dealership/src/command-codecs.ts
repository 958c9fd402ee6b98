import { ComplaintCommand } from '@dealer-crm/complaint-workflow'
import { LifecycleCommand } from '@dealer-crm/customer-lifecycle'
import { decodeCommand } from '@dealer-crm/eventsourcing'

/**
 * Untrusted input decoded with each domain's command codec. The input's `type` picks the
 * command, so a refusal names the fields of that one command (`data.vin`, `data.points`).
 */
export const decodeLifecycleCommand = (input: unknown) => decodeCommand(LifecycleCommand, input)

export const decodeComplaintCommand = (input: unknown) => decodeCommand(ComplaintCommand, input)
