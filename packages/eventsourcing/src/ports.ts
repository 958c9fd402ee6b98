import { randomBytes, randomFillSync } from 'node:crypto'
import { v5 as uuidV5, v7 as uuidV7 } from 'uuid'

/** Time enters through this port: the application stamps commands with it. */
export interface Clock {
  readonly now: () => Date
}

export const systemClock: Clock = { now: () => new Date() }

export const fixedClock = (at: Date | string): Clock => {
  const time = new Date(at).getTime()
  return { now: () => new Date(time) }
}

export interface ManualClock extends Clock {
  readonly advance: (ms: number) => void
  readonly set: (at: Date | string) => void
}

/** A clock that moves only when told to: for tests and simulations. */
export const manualClock = (start: Date | string): ManualClock => {
  let time = new Date(start).getTime()
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms
    },
    set: (at) => {
      time = new Date(at).getTime()
    },
  }
}

/** What a log entry says beyond its message: names and values (an `error` field holds the error). */
export type LogFields = Readonly<Record<string, unknown>>

/**
 * Where the library reports what it recovered from (`warn`: a transient failure it retries) and
 * what it gave up on (`error`: a follower that stopped). The library never prints: pass a logger
 * that writes to yours (pino, winston and console all fit with a line of glue).
 */
export interface Logger {
  readonly warn: (message: string, fields: LogFields) => void
  readonly error: (message: string, fields: LogFields) => void
}

/** The default logger: says nothing. */
export const silentLogger: Logger = { warn: () => undefined, error: () => undefined }

/** Randomness enters through this port and is recorded in the command that used it. */
export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max]. */
  readonly int: (min: number, max: number) => number
  readonly pick: <T>(items: ReadonlyArray<T>) => T
  readonly bytes: (n: number) => Uint8Array
}

const fromNext = (next: () => number): Random => {
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list')
      return items[int(0, items.length - 1)] as (typeof items)[number]
    },
    bytes: (n) => {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) out[i] = int(0, 255)
      return out
    },
  }
}

/** Cryptographically random; not reproducible. */
export const systemRandom: Random = fromNext(() => randomBytes(4).readUInt32BE(0) / 2 ** 32)

/** A reproducible generator (sfc32) from a numeric seed. */
export const seededRandom = (seed: number): Random => {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const next = () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    const r = (a + b + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + r) >>> 0
    return r / 2 ** 32
  }
  for (let i = 0; i < 15; i++) next()
  return fromNext(next)
}

export interface IdGenerator {
  readonly next: () => string
}

/**
 * UUID v7 identifiers: time-ordered, and increasing within this process. The 32 sequence bits
 * after the millisecond are a counter that starts at a random value below 2^31 each millisecond
 * (RFC 9562, section 6.2, method 1). Random bytes are drawn from the OS 4 KiB at a time: a draw
 * per id cost more than the rest of the id (bench/).
 */
export const uuidV7Ids: IdGenerator = (() => {
  const pool = new Uint8Array(4096)
  let at = pool.length
  let msecs = -1
  let seq = 0
  return {
    next: () => {
      if (at + 16 > pool.length) {
        randomFillSync(pool)
        at = 0
      }
      const random = pool.subarray(at, at + 16)
      at += 16
      const now = Date.now()
      if (now > msecs) {
        msecs = now
        seq =
          (((random[6] as number) & 0x7f) << 24) |
          ((random[7] as number) << 16) |
          ((random[8] as number) << 8) |
          (random[9] as number)
      } else if (seq >= 0xffffffff) {
        msecs++
        seq = 0
      } else seq++
      return uuidV7({ msecs, seq, random })
    },
  }
})()

/** Reproducible UUID v7 identifiers from a clock and a seeded random source. */
export const deterministicIds = (clock: Clock, random: Random): IdGenerator => ({
  next: () => uuidV7({ msecs: clock.now().getTime(), random: random.bytes(16) }),
})

const COMMAND_NAMESPACE = '6f1d3c52-8a4e-4b1f-9a57-2c5e0b7d9e11'

/**
 * A deterministic identifier from its parts (UUID v5): process managers derive the id
 * of each command they send from the triggering event, so a redelivered event never acts twice.
 */
export const deterministicId = (...parts: ReadonlyArray<string | number>): string =>
  uuidV5(parts.join('\u001f'), COMMAND_NAMESPACE)
