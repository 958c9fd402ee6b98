import { normalizePhone } from '@dealer-crm/eventsourcing'
import { deciderSpec } from '@dealer-crm/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultReferralPolicy, type ReferralPolicy, referralDecider } from '../src/index.js'
import { referralPhoneArb, referralPhoneNotationArb } from '../src/testing.js'
import {
  caller,
  command,
  consultant,
  decider,
  dutyManager,
  historyOf,
  instant,
  liSi,
  phoneHash,
  referralId,
  register,
  salesManager,
  screen,
  spec,
  zhangSan,
} from './fixtures.js'

describe('advance registration (docs/domain.md §2.1)', () => {
  it('records the referrer facts as personal data of the referrer, and the policy it is registered under', () => {
    expect(spec.given([]).when(register()).events()).toEqual([
      {
        type: 'ReferralRegistered',
        data: {
          referralId,
          registeredAt: instant('2026-03-01T10:00:00+08:00'),
          reportedBy: consultant,
          registeredBy: dutyManager,
          referee: {
            subjectId: liSi.customerId,
            phoneHash: liSi.phoneHash,
            name: liSi.name,
            phone: liSi.phone,
            purchase: liSi.purchase,
          },
          referrer: {
            subjectId: zhangSan.customerId,
            phoneHash: zhangSan.phoneHash,
            name: zhangSan.name,
            phone: zhangSan.phone,
            vehicle: zhangSan.vehicle,
          },
          policy: defaultReferralPolicy,
        },
      },
    ])
  })

  it('is done by the duty manager, not the consultant who reports it', () => {
    spec
      .given([])
      .when(register({ registeredBy: consultant }))
      .thenError('RoleNotAllowed')
  })

  it('is reported by the sales consultant (销售顾问报告), not by a manager or the call-back staff', () => {
    spec
      .given([])
      .when(register({ reportedBy: dutyManager }))
      .thenError('RoleNotAllowed')
    spec
      .given([])
      .when(register({ reportedBy: caller }))
      .thenError('RoleNotAllowed')
  })

  it('who may report is policy; a policy recorded without the setting allows the sales consultant only', () => {
    const managersToo: ReferralPolicy = {
      ...defaultReferralPolicy,
      reportingRoles: ['sales-consultant', 'sales-manager'],
    }
    const byManager = register({ reportedBy: salesManager })
    expect(deciderSpec(referralDecider(managersToo)).given([]).when(byManager).events()).toHaveLength(1)
    const { reportingRoles: _, ...olderPolicy } = defaultReferralPolicy
    deciderSpec(referralDecider(olderPolicy)).given([]).when(byManager).thenError('RoleNotAllowed')
    expect(deciderSpec(referralDecider(olderPolicy)).given([]).when(register()).events()).toHaveLength(1)
  })

  it('is registered once', () => {
    spec.given(historyOf(register())).when(register()).thenError('AlreadyRegistered')
  })

  it('nothing else happens to an unregistered referral', () => {
    spec.given([]).when(screen()).thenError('NotRegistered')
  })

  it('a command for another referral is refused: it was routed to the wrong stream', () => {
    const elsewhere = command({ ...screen(), data: { ...screen().data, referralId: 'referral-other' } })
    spec.given(historyOf(register())).when(elsewhere).thenError('WrongReferral')
  })

  it('no command may be dated before the registration', () => {
    const early = historyOf(register({ at: '2026-03-02T10:00:00+08:00' }))
    spec.given(early).when(screen()).thenError('BeforeRegistration')
  })
})

describe('late claims (docs/domain.md §2.2)', () => {
  it('a claim first raised at delivery is recorded as refused, with its reason', () => {
    expect(
      spec
        .given([])
        .when(register({ refereeDeliveredAt: '2026-03-01T10:00:00+08:00' }))
        .events(),
    ).toEqual([
      {
        type: 'LateClaimRejected',
        data: {
          referralId,
          refereeId: liSi.customerId,
          referrerId: zhangSan.customerId,
          reportedBy: consultant,
          registeredBy: dutyManager,
          claimedAt: instant('2026-03-01T10:00:00+08:00'),
          deliveredAt: instant('2026-03-01T10:00:00+08:00'),
          reason: 'late-claim',
        },
      },
    ])
  })

  it('a claim raised before delivery is registered', () => {
    const [event] = spec
      .given([])
      .when(register({ refereeDeliveredAt: '2026-03-01T10:00:01+08:00' }))
      .events()
    expect(event?.type).toBe('ReferralRegistered')
  })

  it('a refused late claim admits nothing more', () => {
    const late = historyOf(register({ refereeDeliveredAt: '2026-02-28T10:00:00+08:00' }))
    spec.given(late).when(screen()).thenError('NotRegistered')
    spec.given(late).when(register()).thenError('AlreadyRegistered')
  })
})

describe('guards (docs/domain.md §2, §5 Referrals)', () => {
  it('no self-referral: the same phone, compared through the keyed hash, is refused', () => {
    spec
      .given([])
      .when(register({ referee: { ...liSi, customerId: 'customer-other', phoneHash: zhangSan.phoneHash } }))
      .thenError('SelfReferral')
  })

  it('no self-referral: the same customer is refused', () => {
    spec
      .given([])
      .when(register({ referee: { ...liSi, customerId: zhangSan.customerId } }))
      .thenError('SelfReferral')
  })

  it('no self-referral: one phone written two ways hashes the same after normalising', () => {
    const samePhone = '+86 138-0013-8000'
    expect(samePhone).not.toBe(zhangSan.phone)
    spec
      .given([])
      .when(
        register({
          referee: {
            ...liSi,
            customerId: 'customer-other',
            phone: samePhone,
            phoneHash: phoneHash(samePhone),
          },
        }),
      )
      .thenError('SelfReferral')
  })

  // Issue #20: a caller that hashed the numbers as typed got two hashes for one phone, and the decider,
  // comparing only hashes, let the self-referral through. Both phones are in the command.
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['0086 (138) 0013 8000', '138 0013 8000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['＋８６　１３８－００１３－８０００', '138-0013-8000'],
  ])(
    'no self-referral: %s and %s are one phone, whatever hashes the caller passes',
    (refereePhone, referrerPhone) => {
      spec
        .given([])
        .when(
          register({
            referee: {
              ...liSi,
              customerId: 'customer-other',
              phone: refereePhone,
              phoneHash: 'e'.repeat(64),
            },
            referrer: { ...zhangSan, phone: referrerPhone, phoneHash: 'f'.repeat(64) },
          }),
        )
        .thenError('SelfReferral')
    },
  )

  it('no self-referral by phone, for any notation of any mainland mobile (docs/domain.md §5 Referrals)', () => {
    fc.assert(
      fc.property(
        referralPhoneArb.chain((phone) =>
          fc.tuple(fc.constant(phone), referralPhoneNotationArb(phone), referralPhoneNotationArb(phone)),
        ),
        ([phone, asReferee, asReferrer]) => {
          expect([normalizePhone(asReferee), normalizePhone(asReferrer)]).toEqual([phone, phone])
          const decision = decider.decide(
            register({
              referee: { ...liSi, customerId: 'customer-other', phone: asReferee, phoneHash: 'e'.repeat(64) },
              referrer: { ...zhangSan, phone: asReferrer, phoneHash: 'f'.repeat(64) },
            }),
            decider.initialState,
          )
          return decision._tag === 'Left' && decision.left.code === 'SelfReferral'
        },
      ),
    )
  })

  it('two different phones are two people', () => {
    expect(
      spec
        .given([])
        .when(
          register({ referee: { ...liSi, phone: '+86 138-0013-8001', phoneHash: phoneHash('13800138001') } }),
        )
        .events()[0]?.type,
    ).toBe('ReferralRegistered')
  })

  it('one referrer per referee: a referee with a live referral cannot be registered again', () => {
    spec
      .given([])
      .when(register({ refereeLiveReferralId: 'referral-earlier' }))
      .thenError('RefereeAlreadyReferred')
  })
})
