import { type SharedPb, sharedPb } from './modules.js'

/**
 * The protocol's two forms of a UUID: `string`, or `structured` — the two 64-bit halves of the
 * 16 bytes in network order, as signed integers (what the server's own Uuid type does).
 * The server answers reads in the form `uuid_option` asks for (structured when it names neither).
 */
export type UuidForm = 'string' | 'structured'

/** The text forms .NET's Guid.Parse accepts, except the hexadecimal-struct one. */
const GUID_TEXT = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^\(([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\)$/i,
]

const hyphenated = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

const half = (signed: string) => BigInt.asUintN(64, BigInt(signed)).toString(16).padStart(16, '0')

/** A UUID as lower-case hyphenated text, from either form; null when it is missing or malformed. */
export const uuidText = (dto: SharedPb.UUID | undefined): string | null => {
  if (dto === undefined) return null
  if (dto.hasStructured()) {
    const s = dto.getStructured()
    return s === undefined
      ? null
      : hyphenated(half(s.getMostSignificantBits()) + half(s.getLeastSignificantBits()))
  }
  if (dto.getValueCase() !== sharedPb.UUID.ValueCase.STRING) return null
  for (const pattern of GUID_TEXT) {
    const match = pattern.exec(dto.getString().trim())
    if (match !== null) return hyphenated(match.slice(1).join('').toLowerCase())
  }
  return null
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

const signed = (hex: string) => BigInt.asIntN(64, BigInt(`0x${hex}`)).toString()

/** A stored (lower-case hyphenated) UUID in the form a read asked for. */
export const uuidDto = (text: string, form: UuidForm): SharedPb.UUID => {
  if (form === 'string') return new sharedPb.UUID().setString(text)
  const hex = text.replace(/-/g, '')
  return new sharedPb.UUID().setStructured(
    new sharedPb.UUID.Structured()
      .setMostSignificantBits(signed(hex.slice(0, 16)))
      .setLeastSignificantBits(signed(hex.slice(16))),
  )
}
