import { afterAll, describe, expect, it } from 'vitest'
import { binaryIntArray, binaryTextArray } from '../src/binary-arrays.js'
import { serverAvailable, testPool } from './database.js'

const available = await serverAvailable()

describe.skipIf(!available)('binary array parameters', () => {
  const pool = testPool(1)
  afterAll(async () => pool.end())

  it('reach the server as the arrays they encode: quotes, backslashes, braces, Unicode, empty strings, NULLs', async () => {
    const texts = ['{"a":"b\\"c"}', '', 'back\\slash', '{,}', '张三 👍', 'NULL', null, '\u0001']
    const ints = [0, 1, -1, 2_147_483_647, -2_147_483_648]
    const { rows } = await pool.query<{ t: Array<string | null>; i: number[]; n: number }>(
      'SELECT $1::text[] AS t, $2::integer[] AS i, cardinality($3::text[]) AS n',
      [binaryTextArray(texts), binaryIntArray(ints), binaryTextArray([])],
    )
    expect(rows[0]).toEqual({ t: texts, i: ints, n: 0 })
  })

  it('are refused by the server when the element type is not the parameter type', async () => {
    await expect(pool.query('SELECT $1::integer[] AS i', [binaryTextArray(['1'])])).rejects.toThrow(
      /array element type 25 \(text\) instead of expected 23 \(integer\)/,
    )
  })
})
