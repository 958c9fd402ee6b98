import { manualClock, seededRandom } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { accessLogStreamOf, createDealership, type Principal } from '../src/index.js'
import { liSi, mondayAt, recordDelivery, referralSteps, registerProspect, zhangSan } from './fixtures.js'

const secret = 'test-access-log-secret'
const officer: Principal = { id: 'privacy-officer-xu', roles: ['customer-manager'] }

const story = async () => {
  const clock = manualClock(mondayAt(60))
  const dealership = createDealership({ clock, random: seededRandom(8), accessLogSecret: async () => secret })
  await dealership.customerLifecycle(registerProspect(zhangSan, mondayAt(0)))
  await dealership.customerLifecycle(recordDelivery())
  await dealership.customerLifecycle(registerProspect(liSi, mondayAt(2)))
  for (const step of referralSteps(mondayAt)) await dealership.referralVerification(step)
  await dealership.runProcessManagers()
  return dealership
}

describe('a data-subject access export', () => {
  it('holds the person’s events decrypted, read-model rows, consents and access log, itself logged', async () => {
    const dealership = await story()
    await dealership.as(officer).customer360(zhangSan.customerId, { purpose: 'request received' })
    const exported = await dealership
      .as(officer)
      .subjectExport(zhangSan.customerId, { purpose: 'data-subject access request' })
    if (exported === undefined) throw new Error('zhang-san is held')
    expect(exported).toMatchObject({
      format: 'dealer-crm/subject-export/1',
      subject: zhangSan.customerId,
      exportedBy: officer,
      purpose: 'data-subject access request',
    })
    const streams = new Set(exported.events.map((e) => e.streamName))
    // Their customer stream, their card, and the referral that names them as referrer (sealed under their key).
    expect(streams).toEqual(new Set(['customer-zhang-san', 'member-zhang-san', 'referral-ref-0001']))
    expect(exported.events.find((e) => e.type === 'ProspectRegistered')?.data).toMatchObject({
      name: zhangSan.name,
      phone: zhangSan.phone,
    })
    expect(exported.readModels.customer360?.profile.name).toBe(zhangSan.name)
    expect(exported.readModels.memberLedger).not.toBeNull()
    expect(exported.readModels.referrerAccount).not.toBeNull()
    expect(exported.consents).toEqual(exported.readModels.customer360?.profile.consents)
    expect(exported.accessLog.map((e) => [e.via, e.purpose])).toEqual([
      ['customer360', 'request received'],
      ['subjectExport', 'data-subject access request'],
    ])
    expect(exported.accessLog[1]?.fields).toEqual(
      expect.arrayContaining(['ProspectRegistered data.name', 'ProspectRegistered data.phone']),
    )
    // JSON-portable as it is (no bigint, no Map).
    expect(JSON.parse(JSON.stringify(exported)).events).toHaveLength(exported.events.length)
    await dealership.close()
  })

  it('refuses without a purpose and records nothing for a person it does not hold', async () => {
    const dealership = await story()
    const noPurpose = { purpose: '' }
    await expect(dealership.as(officer).subjectExport(zhangSan.customerId, noPurpose)).rejects.toMatchObject({
      code: 'PurposeRequired',
    })
    expect(await dealership.as(officer).subjectExport('nobody', { purpose: 'request' })).toBeUndefined()
    expect(await dealership.store.streamVersion(accessLogStreamOf(secret, 'nobody'))).toBe(0)
    expect(await dealership.store.streamVersion(accessLogStreamOf(secret, zhangSan.customerId))).toBe(0)
    await dealership.close()
  })
})
