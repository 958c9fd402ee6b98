/**
 * One-dimensional arrays in PostgreSQL's binary format (what `array_recv` reads), sent as Buffer
 * parameters, which pg passes in binary. Text arrays need no quoting or escaping on either side:
 * pg's text form escaped every quote of every event's JSON, and the server unescaped it again.
 */
const header = (buffer: Buffer, length: number, hasNull: boolean, elementOid: number) => {
  buffer.writeInt32BE(1, 0) // dimensions
  buffer.writeInt32BE(hasNull ? 1 : 0, 4)
  buffer.writeInt32BE(elementOid, 8)
  buffer.writeInt32BE(length, 12)
  buffer.writeInt32BE(1, 16) // lower bound
}

const textOid = 25
const int4Oid = 23

/** A `text[]`; null elements are SQL NULLs. */
export const binaryTextArray = (values: ReadonlyArray<string | null>): Buffer => {
  let size = 20 + 4 * values.length
  let hasNull = false
  for (const value of values) {
    if (value === null) hasNull = true
    else size += Buffer.byteLength(value)
  }
  const buffer = Buffer.allocUnsafe(size)
  header(buffer, values.length, hasNull, textOid)
  let offset = 20
  for (const value of values) {
    if (value === null) {
      buffer.writeInt32BE(-1, offset)
      offset += 4
      continue
    }
    const written = buffer.write(value, offset + 4)
    buffer.writeInt32BE(written, offset)
    offset += 4 + written
  }
  return buffer
}

/** An `integer[]` of 32-bit integers. */
export const binaryIntArray = (values: ReadonlyArray<number>): Buffer => {
  const buffer = Buffer.allocUnsafe(20 + 8 * values.length)
  header(buffer, values.length, false, int4Oid)
  let offset = 20
  for (const value of values) {
    buffer.writeInt32BE(4, offset)
    buffer.writeInt32BE(value, offset + 4)
    offset += 8
  }
  return buffer
}
