import { createInMemoryEventStore, decodeCommand, type StoredEvent } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import { ReferralCommand, ReferralRegistered, referralEvents } from '../src/index.js'
import { delivered, referralId, register, zhangSan } from './fixtures.js'

// Until 2026-12 the Phone codec took any ASCII digits, spaces, +, - and parentheses whose digits made a
// mobile; since then it takes what the kernel's normalizePhone takes. Events recorded under the old codec
// must still read, although a command may no longer carry those notations.
describe('phones in events stored before the phone normaliser (issue #20)', () => {
  const oldNotations = ['+13800138000', '138+0013+8000', '0086+138 0013 8000', '13800138000+']

  it.each(oldNotations)('%s, stored in a ReferralRegistered, still reads', async (phone) => {
    const store = createInMemoryEventStore({ registry: referralEvents })
    const [first] = delivered()
    if (first?.type !== 'ReferralRegistered') throw new Error('the fixture starts with a registration')
    await store.appendToStream(`referral-${referralId}`, [first])
    const rows: StoredEvent[] = []
    for await (const row of store.log.readStream(`referral-${referralId}`, { from: 1, to: 1, maxCount: 1 }))
      rows.push(row)
    const [row] = rows
    if (row === undefined) throw new Error('nothing was stored')
    // The row as the old code wrote it: the encoded event, personal fields not sealed (no key vault then).
    const encoded = ReferralRegistered.codec.encode({
      ...first.data,
      referrer: { ...first.data.referrer, phone: phone as typeof first.data.referrer.phone },
    })
    const read = await store.decode({ ...row, data: JSON.parse(JSON.stringify(encoded)) })
    expect(read.type).toBe('ReferralRegistered')
    expect(read.data).toMatchObject({ referrer: { phone, subjectId: zhangSan.customerId } })
  })

  it.each(oldNotations)('%s is refused in a new command, naming the field', (phone) => {
    const raw = { type: 'RegisterReferral', data: { ...register().data, referrer: { ...zhangSan, phone } } }
    const decoded = decodeCommand(ReferralCommand, raw)
    expect(decoded._tag === 'Left' && decoded.left.errors.map((e) => e.path)).toEqual(['data.referrer.phone'])
  })
})

// Until the kernel's Instant (issue #19) an instant was kept as written, offset and all; it now reads in UTC.
describe('instants stored before the kernel vocabulary', () => {
  it('an instant stored with +08:00 and without seconds reads as the same instant in UTC', async () => {
    const store = createInMemoryEventStore({ registry: referralEvents })
    const [first] = delivered()
    if (first?.type !== 'ReferralRegistered') throw new Error('the fixture starts with a registration')
    await store.appendToStream(`referral-${referralId}`, [first])
    const rows: StoredEvent[] = []
    for await (const row of store.log.readStream(`referral-${referralId}`, { from: 1, to: 1, maxCount: 1 }))
      rows.push(row)
    const [row] = rows
    if (row === undefined) throw new Error('nothing was stored')
    const encoded = JSON.parse(JSON.stringify(ReferralRegistered.codec.encode(first.data)))
    const read = await store.decode({ ...row, data: { ...encoded, registeredAt: '2026-03-01T10:00+08:00' } })
    expect(read.data).toMatchObject({ registeredAt: '2026-03-01T02:00:00.000Z' })
  })
})
