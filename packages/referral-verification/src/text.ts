import * as t from 'io-ts'

/** Free text of at most `max` characters that is not blank. */
export const shortText = (name: string, max: number) =>
  t.refinement(t.string, (s) => s.trim().length > 0 && s.length <= max, name)

/** A person's name as the referee gave it (姓名), kept short. */
export const PersonName = shortText('PersonName', 60)
export type PersonName = t.TypeOf<typeof PersonName>

/** Why a manager reopened a referral or closed its manual review, kept short. */
export const ReviewReason = shortText('ReviewReason', 500)
export type ReviewReason = t.TypeOf<typeof ReviewReason>
