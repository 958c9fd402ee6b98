import { defaultLoyaltyPolicy, type LoyaltyPolicy, loyaltyDecider } from '@dealer-crm/loyalty-points'
import { loyaltyCommandsArb } from '@dealer-crm/loyalty-points/testing'
import { runCommands } from '@dealer-crm/testing'
import fc from 'fast-check'
import { expect, it } from 'vitest'

// Your programme: points last 12 months, and spent points of a refunded invoice are written off.
const myPolicy: LoyaltyPolicy = {
  ...defaultLoyaltyPolicy,
  lotLifetimeMonths: 12,
  refundShortfall: 'write-off',
}

it('under my policy no lot is overdrawn and no member ever owes points', () => {
  // An enrolment, then random commands: earn, redeem, refund, evaluate, exit… valid and invalid alike.
  fc.assert(
    fc.property(loyaltyCommandsArb(), (commands) => {
      for (const { after } of runCommands(loyaltyDecider(myPolicy), commands)) {
        for (const lot of after.lots) expect(lot.remaining).toBeGreaterThanOrEqual(0)
        expect(after.debt).toBe(0)
      }
    }),
  )
})
