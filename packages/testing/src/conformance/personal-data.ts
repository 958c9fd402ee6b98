import { isErased, verify } from '@dealer-crm/eventsourcing'
import { describe, expect, it } from 'vitest'
import type { ConformanceContext } from './context.js'
import { collect, freshStream, ordered, rejection } from './support.js'

/** Conformance: personal data. */
export const personalDataConformance = (ctx: ConformanceContext): void => {
  describe('personal data', () => {
    it('is stored encrypted and read back in clear', async () => {
      const s = freshStream()
      const subject = `customer-${Math.random().toString(36).slice(2)}`
      await ctx.store.appendToStream(s, [ordered('o-1', subject)])
      const [event] = await collect(ctx.store.readStream(s))
      expect(event!.data).toMatchObject({
        customer: { subjectId: subject, name: '张三', phone: '13800138000' },
      })
      const raw = await collect(ctx.store.log.readStream(s, { from: 1, to: 1, maxCount: 1 }))
      const stored = JSON.stringify(raw[0]!.data)
      expect(stored).not.toContain('张三')
      expect(stored).not.toContain('13800138000')
      expect(stored).toContain('$enc')
    })

    it('forgetting a subject erases their fields on read, keeps the chain verifiable, and refuses new data', async () => {
      const s = freshStream()
      const subject = `customer-${Math.random().toString(36).slice(2)}`
      const other = `customer-${Math.random().toString(36).slice(2)}`
      await ctx.store.appendToStream(s, [ordered('o-1', subject), ordered('o-2', other)])
      await ctx.store.forget(subject)
      const [forgotten, kept] = await collect(ctx.store.readStream(s))
      const customer = (forgotten!.data as { customer: { name: unknown; phone: unknown } }).customer
      expect(isErased(customer.name)).toBe(true)
      expect(isErased(customer.phone)).toBe(true)
      expect(customer.name).toEqual({ erased: true, subjectId: subject })
      expect((kept!.data as { customer: { name: unknown } }).customer.name).toBe('张三')
      expect((await verify(ctx.store)).ok).toBe(true)
      const error = await rejection(ctx.store.appendToStream(s, [ordered('o-3', subject)]))
      expect(error).toMatchObject({ code: 'PersonalDataError' })
      expect(await ctx.store.streamVersion(s)).toBe(2)
    })
  })
}
