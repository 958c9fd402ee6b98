import {
  CorruptEventError,
  createInMemoryEventStore,
  ERASED_KEY,
  eventRegistry,
  eventType,
  InvalidPhoneError,
  inMemoryKeyVault,
  isErased,
  isMainlandMobile,
  keyedHash,
  normalizePhone,
  PersonalDataError,
  PhoneHash,
  PII_KEY,
  personal,
  SEALED_KEY,
  type StoredEvent,
  seal,
  sealPersonalData,
  unlessErased,
  unseal,
  unsealPersonalData,
} from '@dealer-crm/eventsourcing'
import fc from 'fast-check'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { collect, rejection } from './support.js'

const Phone = personal(t.string)

const LeadCaptured = eventType(
  'LeadCaptured',
  t.type({ leadId: t.string, name: personal(t.string), plates: t.array(personal(t.string)) }),
  { subject: (d) => `lead:${d.leadId}` },
)
const Referred = eventType(
  'Referred',
  t.type({
    referrer: t.type({ subjectId: t.string, phone: Phone }),
    referee: t.type({ subjectId: t.string, phone: Phone }),
  }),
)
const registry = eventRegistry([LeadCaptured, Referred])

describe('personal(codec)', () => {
  it('encodes a value wrapped for sealing and decodes it back', () => {
    expect(Phone.encode('13800138000')).toEqual({ [PII_KEY]: '13800138000' })
    expect(Phone.decode({ [PII_KEY]: '13800138000' })).toEqual({ _tag: 'Right', right: '13800138000' })
  })

  it('decodes the erased placeholder to an Erased value, and encodes it back', () => {
    const decoded = Phone.decode({ [ERASED_KEY]: 'p-1' })
    expect(decoded).toEqual({ _tag: 'Right', right: { erased: true, subjectId: 'p-1' } })
    expect(Phone.encode({ erased: true, subjectId: 'p-1' })).toEqual({ [ERASED_KEY]: 'p-1' })
    expect(Phone.is({ erased: true, subjectId: 'p-1' })).toBe(true)
  })

  it('refuses a bare value and a wrapped value of the wrong type, naming the path', () => {
    const bare = Phone.decode('13800138000')
    expect(bare._tag).toBe('Left')
    const wrong = t.type({ phone: Phone }).decode({ phone: { [PII_KEY]: 42 } })
    expect(wrong._tag).toBe('Left')
    if (wrong._tag === 'Left')
      expect(wrong.left[0]!.context.map((c) => c.key).filter(Boolean)).toEqual(['phone', PII_KEY])
  })

  it('unlessErased shows a placeholder for an erased value', () => {
    expect(unlessErased('Wang', '(erased)')).toBe('Wang')
    expect(unlessErased({ erased: true, subjectId: 'x' }, '(erased)')).toBe('(erased)')
    expect(isErased({ erased: false })).toBe(false)
    expect(isErased(null)).toBe(false)
  })
})

describe('sealing', () => {
  it('seal/unseal round-trips and binds the ciphertext to its subject', () => {
    const key = new Uint8Array(32).fill(7)
    const sealed = seal(key, 's-1', '"张三"')
    expect(sealed.s).toBe('s-1')
    expect(unseal(key, sealed)).toBe('"张三"')
    expect(() => unseal(key, { ...sealed, s: 's-2' })).toThrow()
    expect(() => unseal(new Uint8Array(32).fill(8), sealed)).toThrow()
    expect(seal(key, 's-1', '"张三"').ct).not.toBe(sealed.ct)
  })

  it('seals each value under the nearest enclosing subjectId', async () => {
    const vault = inMemoryKeyVault()
    const encoded = Referred.codec.encode({
      referrer: { subjectId: 'p-1', phone: '13800000001' },
      referee: { subjectId: 'p-2', phone: '13800000002' },
    })
    const stored = (await sealPersonalData(encoded, 'Referred', undefined, vault)) as {
      referrer: { phone: Record<string, { s: string }> }
      referee: { phone: Record<string, { s: string }> }
    }
    expect(stored.referrer.phone[SEALED_KEY]!.s).toBe('p-1')
    expect(stored.referee.phone[SEALED_KEY]!.s).toBe('p-2')
    expect(JSON.stringify(stored)).not.toContain('1380000000')
    expect(await unsealPersonalData(stored, vault)).toEqual(encoded)
    await vault.forget('p-1')
    expect(await unsealPersonalData(stored, vault)).toEqual({
      referrer: { subjectId: 'p-1', phone: { [ERASED_KEY]: 'p-1' } },
      referee: { subjectId: 'p-2', phone: { [PII_KEY]: '13800000002' } },
    })
  })

  it('refuses personal data without a subject', async () => {
    const error = await rejection(
      sealPersonalData({ name: { [PII_KEY]: 'x' } }, 'Anon', undefined, inMemoryKeyVault()),
    )
    expect(error).toBeInstanceOf(PersonalDataError)
    expect(error).toMatchObject({ code: 'PersonalDataError', eventType: 'Anon' })
  })

  it('leaves data without personal fields untouched (the same object)', async () => {
    const data = { a: [1, { b: 'c' }] }
    expect(await sealPersonalData(data, 'X', undefined, inMemoryKeyVault())).toBe(data)
    expect(await unsealPersonalData(data, inMemoryKeyVault())).toBe(data)
  })
})

describe('personal data in a store', () => {
  it('uses the event type subject, stores ciphertext only, and reads back in clear', async () => {
    const store = createInMemoryEventStore({ registry })
    await store.appendToStream('lead-1', [
      LeadCaptured.make({ leadId: '1', name: '李雷', plates: ['京A12345', '沪B67890'] }),
    ])
    const [raw] = await collect(store.log.readStream('lead-1', { from: 1, to: 1, maxCount: 1 }))
    const text = JSON.stringify(raw!.data)
    for (const clear of ['李雷', '京A12345', '沪B67890']) expect(text).not.toContain(clear)
    expect(text).toContain('lead:1')
    const [read] = await collect(store.readStream('lead-1'))
    expect(read!.data).toEqual({ leadId: '1', name: '李雷', plates: ['京A12345', '沪B67890'] })
  })

  it('after forget, every personal field of that subject reads as erased; others are intact', async () => {
    const store = createInMemoryEventStore({ registry })
    await store.appendToStream('lead-2', [LeadCaptured.make({ leadId: '2', name: 'Han', plates: ['粤C1'] })])
    await store.appendToStream('referral-1', [
      Referred.make({
        referrer: { subjectId: 'lead:2', phone: '13800000001' },
        referee: { subjectId: 'p-9', phone: '13800000009' },
      }),
    ])
    await store.forget('lead:2')
    const [lead] = await collect(store.readStream('lead-2'))
    expect(lead!.data).toEqual({
      leadId: '2',
      name: { erased: true, subjectId: 'lead:2' },
      plates: [{ erased: true, subjectId: 'lead:2' }],
    })
    const [referral] = await collect(store.readStream('referral-1'))
    expect(referral!.data).toEqual({
      referrer: { subjectId: 'lead:2', phone: { erased: true, subjectId: 'lead:2' } },
      referee: { subjectId: 'p-9', phone: '13800000009' },
    })
  })

  it('tampered ciphertext is a CorruptEventError naming stream and position', async () => {
    const store = createInMemoryEventStore({ registry })
    await store.appendToStream('lead-3', [LeadCaptured.make({ leadId: '3', name: 'Lucy', plates: [] })])
    const [raw] = await collect(store.log.readStream('lead-3', { from: 1, to: 1, maxCount: 1 }))
    const data = raw!.data as { name: { $enc: { ct: string } } }
    const flipped = Buffer.from(data.name.$enc.ct, 'base64')
    flipped[0] = flipped[0]! ^ 1
    const tampered: StoredEvent = {
      ...raw!,
      data: { ...data, name: { $enc: { ...data.name.$enc, ct: flipped.toString('base64') } } },
    }
    const error = await rejection(store.decode(tampered))
    expect(error).toBeInstanceOf(CorruptEventError)
    expect(error).toMatchObject({ streamName: 'lead-3', streamPosition: 1 })
    const malformed: StoredEvent = { ...raw!, data: { ...data, name: { $enc: { s: 'lead:3' } } } }
    expect(await rejection(store.decode(malformed))).toBeInstanceOf(CorruptEventError)
    expect((await store.decode(raw!)).data).toMatchObject({ name: 'Lucy' })
  })
})

describe('keyed hashes for matching', () => {
  const phone = normalizePhone('13800138000')

  it('keyedHash depends on the secret and the number, 64 hex digits', () => {
    const h = keyedHash('secret', phone)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(keyedHash('other', phone)).not.toBe(h)
    expect(keyedHash('secret', normalizePhone('13800138001'))).not.toBe(h)
    expect(keyedHash(new TextEncoder().encode('secret'), phone)).toBe(h)
  })

  it('the PhoneHash codec takes what keyedHash returns and refuses a phone in its place, without echoing it', () => {
    expect(PhoneHash.decode(keyedHash('secret', phone))._tag).toBe('Right')
    for (const bad of ['13800138000', 'A'.repeat(64), 'a'.repeat(63), '', 42, null])
      expect(PhoneHash.decode(bad)._tag, JSON.stringify(bad)).toBe('Left')
    const refused = PhoneHash.decode('13800138000')
    expect(refused._tag === 'Left' && refused.left[0]?.message).not.toContain('13800138000')
  })

  it('normalizePhone gives one form for every notation of a mainland mobile number', () => {
    for (const notation of [
      '13800138000',
      ' 13800138000 ',
      '+86 138 0013 8000',
      '+86 138-0013-8000',
      '+8613800138000',
      '0086-138-0013-8000',
      '0086 (138) 0013 8000',
      '(+86) 138-0013-8000',
      '86 13800138000',
      '(138) 0013-8000',
      '138\u20140013\u20138000',
      '１３８００１３８０００',
      '＋８６　１３８－００１３－８０００',
      '（１３８）００１３ ８０００',
    ])
      expect(normalizePhone(notation), notation).toBe('13800138000')
  })

  it('normalizePhone refuses what is not a mainland mobile number with a typed error that does not repeat it', () => {
    for (const bad of [
      '',
      '   ',
      '010-6552 1234',
      '8610 65521234',
      '12800138000',
      '1380013800',
      '138001380001',
      '+1 415 555 0100',
      '+85 13800138000',
      '138 0013 800O',
      '138.0013.8000',
      '13800138000+',
      'call me',
    ]) {
      const thrown = (() => {
        try {
          normalizePhone(bad)
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(thrown, bad).toBeInstanceOf(InvalidPhoneError)
      expect((thrown as InvalidPhoneError).code).toBe('InvalidPhone')
      expect((thrown as InvalidPhoneError).message).toMatch(/^not a mainland mobile number/)
      if (bad.trim().length > 3) expect((thrown as InvalidPhoneError).message).not.toContain(bad.trim())
      expect(isMainlandMobile(bad)).toBe(false)
    }
    expect(isMainlandMobile('+86 138-0013-8000')).toBe(true)
  })

  it('the same number in any notation has one keyed hash; different numbers differ', () => {
    const hashOf = (notation: string) => keyedHash('k', normalizePhone(notation))
    fc.assert(
      fc.property(
        fc.constantFrom('13', '14', '15', '16', '17', '18', '19'),
        fc.stringMatching(/^\d{9}$/),
        fc.constantFrom('', '+86', '+86 ', '0086-', '86', '＋８６'),
        fc.constantFrom(' ', '-', '', '－', '　'),
        fc.boolean(),
        (head, rest, prefix, separator, fullWidth) => {
          const number = `${head}${rest}`
          const typed = `${prefix}${number.slice(0, 3)}${separator}${number.slice(3, 7)}${separator}${number.slice(7)}`
          const written = fullWidth
            ? typed.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))
            : typed
          return hashOf(written) === hashOf(number) && normalizePhone(written) === number
        },
      ),
    )
    expect(hashOf('+86 138-0013-8000')).toBe(hashOf('13800138000'))
    expect(hashOf('+86 138-0013-8000')).not.toBe(hashOf('13800138001'))
  })

  it('keyedHash cannot be handed a number as typed: the type checker refuses it, and at run time it normalises', () => {
    // @ts-expect-error a raw string is not a MainlandMobile: normalise it first
    const unchecked = keyedHash('k', '+86 138-0013-8000')
    expect(unchecked).toBe(keyedHash('k', phone))
    // @ts-expect-error
    expect(() => keyedHash('k', '010-6552 1234')).toThrow(InvalidPhoneError)
  })
})
