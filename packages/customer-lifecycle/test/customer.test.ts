import { deciderSpec } from '@dealer-crm/testing'
import { describe, expect, it } from 'vitest'
import { lifecycleDecider } from '../src/index.js'
import {
  clerk,
  cmd,
  customerId,
  deliver,
  eventsOf,
  otherVin,
  register,
  vin,
  visit,
  withData,
} from './support.js'

const decider = lifecycleDecider()

const spec = deciderSpec(decider)
const registered = eventsOf(register())
const owner = eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'))

describe('registering a prospect (docs/domain.md §1 stage 1)', () => {
  it('records the prospect with personal data and the phone hash', () => {
    const [event] = spec.given([]).when(register()).events()
    expect(event?.type).toBe('ProspectRegistered')
    expect(event?.data).toMatchObject({
      customerId,
      source: 'showroom',
      name: '张三',
      phoneHash: 'a'.repeat(64),
    })
  })
  it('refuses a second registration', () => {
    spec.given(registered).when(register()).thenError('AlreadyRegistered')
  })
  it('refuses anything for a customer not registered yet', () => {
    spec.given([]).when(deliver('2024-02-01T10:00:00+08:00')).thenError('NotRegistered')
  })
  it('refuses a command addressed to another customer', () => {
    const c = deliver('2024-02-01T10:00:00+08:00')
    spec
      .given(registered)
      .when(withData(c, { customerId: 'c-2' }))
      .thenError('NotThisCustomer')
  })
  it('records family members once, for greetings', () => {
    const member = cmd('RecordFamilyMember', {
      memberId: 'm-1',
      at: '2024-01-11T10:00:00+08:00',
      relation: 'daughter',
      name: '张小红',
      birthday: '2015-03-08',
    })
    spec
      .given(registered)
      .when(member)
      .then([{ type: 'FamilyMemberRecorded', data: member.data }])
    spec.given(eventsOf(register(), member)).when(member).thenError('FamilyMemberAlreadyRecorded')
  })
})

describe('deliveries and vehicles (docs/domain.md §1 stage 2, §5)', () => {
  it('makes the prospect an owner, with evidence', () => {
    const events = spec.given(registered).when(deliver('2024-02-01T10:00:00+08:00')).events()
    expect(events.map((e) => e.type)).toEqual(['VehicleDelivered', 'StageChanged'])
    expect(events[1]?.data).toMatchObject({ from: 'prospect', to: 'owner', cause: 'delivery' })
  })
  it('refuses delivering a vehicle the customer already owns', () => {
    spec.given(owner).when(deliver('2024-03-01T10:00:00+08:00')).thenError('VehicleAlreadyOwned')
  })
  it('refuses a second-hand purchase from the customer themself', () => {
    const c = deliver('2024-03-01T10:00:00+08:00', otherVin)
    spec
      .given(owner)
      .when(withData(c, { previousOwnerId: customerId }))
      .thenError('SellerIsBuyer')
  })
  it('transfers a vehicle; with none left the customer is lost to the workshop', () => {
    const transfer = cmd('TransferOwnership', { at: '2024-05-01T10:00:00+08:00', vin, newOwnerId: 'c-9' })
    const events = spec.given(owner).when(transfer).events()
    expect(events.map((e) => e.type)).toEqual(['VehicleOwnershipTransferred', 'StageChanged'])
    expect(events[1]?.data).toMatchObject({ to: 'lost', cause: 'ownership-transfer' })
    spec
      .given(eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), transfer))
      .when(transfer)
      .thenError('VehicleNotOwned')
  })
  it('keeps the stage when other vehicles remain', () => {
    const two = eventsOf(
      register(),
      deliver('2024-02-01T10:00:00+08:00'),
      deliver('2024-02-02T10:00:00+08:00', otherVin),
    )
    const transfer = cmd('TransferOwnership', { at: '2024-05-01T10:00:00+08:00', vin, newOwnerId: 'c-9' })
    expect(
      spec
        .given(two)
        .when(transfer)
        .events()
        .map((e) => e.type),
    ).toEqual(['VehicleOwnershipTransferred'])
  })
  it('refuses a transfer to the same customer', () => {
    spec
      .given(owner)
      .when(cmd('TransferOwnership', { at: '2024-05-01T10:00:00+08:00', vin, newOwnerId: customerId }))
      .thenError('SellerIsBuyer')
  })
})

describe('service visits (docs/domain.md §1 service reception)', () => {
  it('records the repair order and makes the owner active', () => {
    const events = spec.given(owner).when(visit('2024-07-01T10:00:00+08:00', 5000)).events()
    expect(events.map((e) => e.type)).toEqual(['ServiceVisitRecorded', 'StageChanged'])
    expect(events[1]?.data).toMatchObject({ from: 'owner', to: 'active', cause: 'service-visit' })
  })
  it('refuses a visit for a vehicle the customer does not own', () => {
    spec
      .given(owner)
      .when(visit('2024-07-01T10:00:00+08:00', 5000, otherVin))
      .thenError('VehicleNotOwned')
  })
  it('refuses an odometer that went back', () => {
    spec
      .given(
        eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), visit('2024-07-01T10:00:00+08:00', 5000)),
      )
      .when(visit('2024-09-01T10:00:00+08:00', 4000))
      .thenError('MileageWentBack')
  })
  it('refuses a visit dated before the last fact or evaluation, such as the delivery', () => {
    spec.given(owner).when(visit('2024-01-20T09:00:00+08:00', 5)).thenError('BeforeLastEvaluation')
  })
  it('refuses a repair order recorded twice', () => {
    const first = visit('2024-07-01T10:00:00+08:00', 5000)
    const again = { ...visit('2024-08-01T10:00:00+08:00', 6000) }
    spec
      .given(eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), first))
      .when(withData(again, { repairOrderNumber: first.data.repairOrderNumber }))
      .thenError('RepairOrderAlreadyRecorded')
  })
  it('records a rework (返修) as a fact of the visit', () => {
    const rework = visit('2024-07-01T10:00:00+08:00', 5000)
    const events = spec
      .given(owner)
      .when(withData(rework, { rework: true }))
      .events()
    expect(events[0]?.data).toMatchObject({ rework: true })
  })
})

describe('one-to-one service (docs/domain.md §1)', () => {
  const assign = cmd('AssignCustomerManager', { at: '2024-02-01T11:00:00+08:00', managerId: 'cm-1' })
  const reassign = cmd('ReassignCustomerManager', {
    at: '2024-06-01T11:00:00+08:00',
    managerId: 'cm-2',
    reason: 'cm-1 left the dealership',
  })
  it('assigns one customer manager to an owner', () => {
    spec
      .given(owner)
      .when(assign)
      .then([{ type: 'CustomerManagerAssigned', data: assign.data }])
  })
  it('refuses a manager for a prospect', () => {
    spec.given(registered).when(assign).thenError('NotAnOwner')
  })
  it('refuses a second assignment: reassignment is explicit', () => {
    spec
      .given(eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), assign))
      .when(assign)
      .thenError('ManagerAlreadyAssigned')
  })
  it('reassigns with the previous manager and a reason', () => {
    spec
      .given(eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), assign))
      .when(reassign)
      .then([
        {
          type: 'CustomerManagerReassigned',
          data: { ...reassign.data, previousManagerId: assign.data.managerId },
        },
      ])
  })
  it('refuses reassigning when nobody is assigned, or to the same manager', () => {
    spec.given(owner).when(reassign).thenError('NoManagerToReassign')
    spec
      .given(eventsOf(register(), deliver('2024-02-01T10:00:00+08:00'), assign))
      .when(withData(reassign, { managerId: 'cm-1' }))
      .thenError('SameManager')
  })
})

describe('account flags (docs/domain.md §1 segmentation)', () => {
  it('sets the big-account flag, and setting it again changes nothing', () => {
    const flag = cmd('SetAccountFlag', {
      at: '2024-02-01T11:00:00+08:00',
      flag: 'big-account',
      value: true,
      reason: 'fleet of 12 vehicles',
    })
    spec
      .given(registered)
      .when(flag)
      .then([{ type: 'AccountFlagSet', data: flag.data }])
    spec.given(eventsOf(register(), flag)).when(flag).then([])
  })
  it('records who did it', () => {
    const flag = cmd('SetAccountFlag', {
      at: '2024-02-01T11:00:00+08:00',
      flag: 'vip',
      value: true,
      reason: 'top 5%',
    })
    expect(spec.given(registered).when(flag).events()[0]?.data).toMatchObject({ by: clerk })
  })
})
