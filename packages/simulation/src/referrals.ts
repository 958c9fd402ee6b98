import { liveReferralOf, referrerStanding } from '@dealer-crm/referral-verification'
import { nextCar } from './customers.js'
import { refund } from './loyalty.js'
import type { Car } from './people.js'
import { handOver } from './sales.js'
import { callBackStaff, dutyManager, salesManager, showroomManager } from './staff.js'
import { DAY, HOUR, MINUTE, midnightOf } from './time.js'
import {
  attempt,
  chance,
  during,
  now,
  nowMs,
  type OwnedVehicle,
  oneIn,
  type Sim,
  type SimCustomer,
} from './world.js'

// Referral verification (docs/domain.md §2, §5 Referrals): advance registration, screening, the delivery
// check, the random call-back with its false statement, the reward — and the claims that fail:
// late claims, fakes caught by wrong answers, callees never reached, sales returned.

/** One call-back in six is about a referral the consultant and the parties agreed to fake (seed 000: 作假). */
const fakes = 6
/** One buying referee in eight mentions the referrer only at the delivery: a late claim (docs/domain.md §2.2). */
const lateClaims = 8
/** The chance one call reaches the callee; one callee in seven hardly ever picks up. */
const reachable = 0.85
const hardToReach = { oneIn: 7, reachable: 0.25 }
/** One checked sale in eighteen comes back within the return window. */
const returnedSales = 18

/** One referral as the simulation follows it. */
interface Claim {
  readonly referralId: string
  readonly referee: SimCustomer
  readonly referrer: SimCustomer
  /** The consultant and the parties agreed to fake it (known once the callee answers). */
  faked: boolean | null
  /** The chance a call reaches the callee. */
  readonly reach: number
}

/** Every step of a referral carries its id as the correlation id. */
const referral = (
  sim: Sim,
  input: {
    readonly type: string
    readonly data: { readonly referralId: string; readonly [field: string]: unknown }
  },
  by: { id: string; role: string },
) =>
  attempt(sim, () =>
    sim.dealership.referralVerification(input, { actor: by, correlationId: input.data.referralId }),
  )

const vehicleOf = (car: Car) => ({ model: car.model, colour: car.colour, gearbox: car.gearbox })

/** An owner who could have sent this referee: any customer with a car, not the referee. */
const pickReferrer = (sim: Sim, referee: SimCustomer): SimCustomer | null => {
  for (let tries = 0; tries < 20; tries++) {
    const candidate = sim.random.pick(sim.world.customers)
    if (candidate !== referee && candidate.vehicles.length > 0) return candidate
  }
  return null
}

const registration = async (
  sim: Sim,
  referralId: string,
  referee: SimCustomer,
  referrer: SimCustomer,
  purchase: Car,
  refereeDeliveredAt: string | null,
) => {
  const lookup = await sim.views.refereeReferrals()
  const referrerCar = referrer.vehicles[0]?.car
  if (referrerCar === undefined) return null
  return referral(
    sim,
    {
      type: 'RegisterReferral',
      data: {
        referralId,
        referee: {
          customerId: referee.id,
          name: referee.identity.name,
          phone: referee.identity.phone,
          phoneHash: referee.identity.phoneHash,
          purchase: vehicleOf(purchase),
        },
        referrer: {
          customerId: referrer.id,
          name: referrer.identity.name,
          phone: referrer.identity.phone,
          phoneHash: referrer.identity.phoneHash,
          vehicle: vehicleOf(referrerCar),
        },
        reportedBy: referee.consultant,
        registeredBy: dutyManager,
        refereeDeliveredAt,
        refereeLiveReferralId: liveReferralOf(lookup, {
          customerId: referee.id,
          phoneHash: referee.identity.phoneHash,
        }),
        at: now(sim),
      },
    },
    dutyManager,
  )
}

/**
 * A prospect who says an owner sent them. Registered in advance (提前报备) and screened; if they buy,
 * the delivery is checked against the referrer's licence and the call-back follows. About one in eight
 * claims is raised only at the delivery: a late claim.
 */
export const referredProspect = async (sim: Sim, referee: SimCustomer, deliveryAt: number | null) => {
  const referrer = pickReferrer(sim, referee)
  const purchase = nextCar(sim)
  if (referrer === null) {
    if (deliveryAt !== null)
      sim.agenda.plan(deliveryAt, () => handOver(sim, referee, purchase).then(() => undefined))
    return
  }
  const referralId = `ref-${String(++sim.world.serial.referral).padStart(5, '0')}`
  if (deliveryAt !== null && oneIn(sim, 'late-claim', lateClaims)) {
    sim.agenda.plan(deliveryAt, async () => {
      const v = await handOver(sim, referee, purchase)
      if (v === null) return
      sim.agenda.plan(v.deliveredAt + 20 * MINUTE, async () => {
        await registration(
          sim,
          referralId,
          referee,
          referrer,
          purchase,
          new Date(v.deliveredAt).toISOString(),
        )
      })
    })
    return
  }
  sim.agenda.plan(nowMs(sim) + 30 * MINUTE, async () => {
    if ((await registration(sim, referralId, referee, referrer, purchase, null)) !== null)
      followClaim(sim, referrer, referee, referralId, purchase, deliveryAt)
  })
}

/** A registered claim: screening, the delivery and its check, the call-back, perhaps a returned sale. */
const followClaim = (
  sim: Sim,
  referrer: SimCustomer,
  referee: SimCustomer,
  referralId: string,
  purchase: Car,
  deliveryAt: number | null,
) => {
  const claim: Claim = {
    referralId,
    referee,
    referrer,
    faked: null,
    reach: oneIn(sim, 'hard-to-reach', hardToReach.oneIn) ? hardToReach.reachable : reachable,
  }
  sim.agenda.plan(during(sim, midnightOf(nowMs(sim)) + sim.random.int(1, 3) * DAY, 9, 18), async () => {
    // §2.3 preliminary screening: an owner's referral, and the referrer helped.
    const helped = !chance(sim, 0.07)
    const screened = await referral(
      sim,
      {
        type: 'ScreenReferral',
        data: {
          referralId,
          by: referee.consultant,
          ownersReferral: true,
          referrerHelped: helped,
          at: now(sim),
        },
      },
      referee.consultant,
    )
    if (screened === null || !helped || deliveryAt === null) return
    sim.agenda.plan(Math.max(deliveryAt, nowMs(sim) + HOUR), async () => {
      const v = await handOver(sim, referee, purchase)
      if (v === null) return
      // §2.4 at delivery the showroom manager compares the registration with the referrer's licence.
      sim.agenda.plan(v.deliveredAt + 15 * MINUTE, async () => {
        const matches = !chance(sim, 0.04)
        const checked = await referral(
          sim,
          {
            type: 'CheckAtDelivery',
            data: { referralId, by: showroomManager, licenceMatches: matches, at: now(sim) },
          },
          showroomManager,
        )
        if (checked === null || !matches) return
        planCallBack(sim, claim, sim.random.int(1, 4))
        // §5 Referrals: a sale returned within the window voids the referral (and claws back a paid reward).
        if (oneIn(sim, 'sale-returned', returnedSales))
          sim.agenda.plan(during(sim, midnightOf(v.deliveredAt) + sim.random.int(10, 28) * DAY, 9, 18), () =>
            saleReturned(sim, referralId, referee, v),
          )
      })
    })
  })
}

/** §2.5: call-back staff phone one party drawn at random; 3–4 questions, one a false statement. */
const planCallBack = (sim: Sim, claim: Claim, inDays: number) => {
  const { referralId } = claim
  const caller = sim.random.pick(callBackStaff)
  sim.agenda.plan(during(sim, midnightOf(nowMs(sim)) + inDays * DAY, 10, 17), async () => {
    const draw = await sim.dealership.drawCallBack(referralId)
    if (draw === null) return
    const scheduled = await referral(
      sim,
      {
        type: 'ScheduleCallBack',
        data: { referralId, by: caller, verifierId: caller.id, draw, at: now(sim) },
      },
      caller,
    )
    if (scheduled !== null) planCall(sim, claim, draw.questions.length, caller)
  })
}

/** The call is made an hour or three after it is scheduled. */
const planCall = (sim: Sim, claim: Claim, questions: number, caller: { id: string; role: string }) =>
  sim.agenda.plan(nowMs(sim) + sim.random.int(1, 3) * HOUR, () => call(sim, claim, questions, caller))

/** One call: the callee is reached and answers (a faker gets most wrong), or is not reached. */
const call = async (
  sim: Sim,
  claim: Claim,
  questions: number,
  caller: { id: string; role: string },
): Promise<void> => {
  const { referralId } = claim
  if (!chance(sim, claim.reach)) {
    const result = await referral(
      sim,
      { type: 'RecordCallBackUnreachable', data: { referralId, verifier: caller, at: now(sim) } },
      caller,
    )
    const inconclusive = result?.events.some((e) => e.type === 'VerificationInconclusive') ?? false
    if (inconclusive) manualReview(sim, claim)
    else if (result !== null)
      sim.agenda.plan(during(sim, midnightOf(nowMs(sim)) + DAY, 10, 17), () =>
        call(sim, claim, questions, caller),
      )
    return
  }
  claim.faked ??= oneIn(sim, 'fake', fakes)
  // A faker gets most answers wrong (the false statement included); a genuine callee, hardly any.
  const wrong = claim.faked ? 0.8 : 0.04
  const answers = Array.from({ length: questions }, () =>
    chance(sim, wrong) ? ('wrong' as const) : ('right' as const),
  )
  const result = await referral(
    sim,
    { type: 'RecordCallBackAnswers', data: { referralId, verifier: caller, answers, at: now(sim) } },
    caller,
  )
  if (result?.events.some((e) => e.type === 'ReferralVerified'))
    sim.agenda.plan(during(sim, midnightOf(nowMs(sim)) + sim.random.int(1, 3) * DAY, 10, 17), () =>
      releaseReward(sim, referralId, claim.referrer),
    )
}

/** §5 Referrals: an inconclusive referral waits in manual review; a manager reopens it for a new call, or closes it. */
const manualReview = (sim: Sim, claim: Claim) => {
  const { referralId, referee } = claim
  sim.agenda.plan(during(sim, midnightOf(nowMs(sim)) + sim.random.int(2, 6) * DAY, 10, 17), async () => {
    if (chance(sim, 0.6)) {
      const lookup = await sim.views.refereeReferrals()
      const reopened = await referral(
        sim,
        {
          type: 'ReopenReferral',
          data: {
            referralId,
            by: salesManager,
            reason: 'manual review: try the call-back again',
            refereeLiveReferralId: liveReferralOf(lookup, {
              customerId: referee.id,
              phoneHash: referee.identity.phoneHash,
            }),
            at: now(sim),
          },
        },
        salesManager,
      )
      if (reopened !== null) planCallBack(sim, claim, 1)
    } else
      await referral(
        sim,
        {
          type: 'CloseManualReview',
          data: { referralId, by: salesManager, reason: 'callee never reached; not verified', at: now(sim) },
        },
        salesManager,
      )
  })
}

const rewardKinds = [
  'loyalty-points',
  'loyalty-points',
  'loyalty-points',
  'gift',
  'cash-back',
  'purchase-voucher',
] as const

/** §2.6 reward only after verification, by the referrer's tier; the referrer's standing from the ledger. */
const releaseReward = async (sim: Sim, referralId: string, referrer: SimCustomer) => {
  const standing = referrerStanding(await sim.views.referrerLedger(), referrer.id, referralId)
  if (standing.blocked) return
  await referral(
    sim,
    {
      type: 'ReleaseReward',
      data: {
        referralId,
        by: showroomManager,
        kind: sim.random.pick(rewardKinds),
        referrerStanding: standing,
        at: now(sim),
      },
    },
    showroomManager,
  )
}

/** The referee returned the car: the referral is voided, the points on the car are refunded. */
const saleReturned = async (sim: Sim, referralId: string, referee: SimCustomer, v: OwnedVehicle) => {
  // The car leaves the customer's hands: no more service visits for it in the simulated world.
  referee.vehicles.splice(referee.vehicles.indexOf(v), 1)
  await referral(
    sim,
    {
      type: 'RecordSaleReturned',
      data: { referralId, by: showroomManager, outcome: 'returned', at: now(sim) },
    },
    showroomManager,
  )
  await refund(
    sim,
    referee,
    'vehicle-purchase',
    `sale-${v.car.vin}`,
    'the car was returned within the return window',
  )
}
