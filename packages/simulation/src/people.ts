import { keyedHash, normalizePhone, type Random } from '@dealer-crm/eventsourcing'

// Made-up people and cars for the simulation: plausible, unique where it matters, all from the seed.

const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
]
const givenNames = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '晓东',
  '文静',
  '志强',
]
const companies = ['顺达物流', '华南建设', '东方出行', '鹏城电子', '海湾贸易', '粤通快运']

/** The range a dealer of the seed's brand sells (seed 000: Sagitar, Golf, Jetta…). */
export const models = ['Sagitar', 'Golf', 'Jetta', 'Passat', 'Lavida', 'Bora', 'Magotan', 'Tiguan'] as const
export const colours = ['white', 'black', 'silver', 'grey', 'red', 'blue'] as const
const priceYuan: Readonly<Record<(typeof models)[number], number>> = {
  Sagitar: 150_000,
  Golf: 130_000,
  Jetta: 90_000,
  Passat: 210_000,
  Lavida: 110_000,
  Bora: 100_000,
  Magotan: 230_000,
  Tiguan: 240_000,
}

export interface Car {
  readonly vin: string
  readonly model: (typeof models)[number]
  readonly colour: (typeof colours)[number]
  readonly gearbox: 'automatic' | 'manual'
  readonly plate: string
  readonly priceFen: number
}

/** The keyed-hash secret of this made-up dealership (phones are matched by hash, never in clear). */
const phoneSecret = 'dealer-crm-simulation'

export const phoneHashOf = (phone: string): string => keyedHash(phoneSecret, normalizePhone(phone))

export interface Identity {
  readonly kind: 'person' | 'company'
  readonly name: string
  readonly phone: string
  readonly phoneHash: string
  readonly birthday: string | null
}

/** The n-th customer's identity; the phone is unique by n (mainland mobile, 11 digits). */
export const identity = (random: Random, n: number): Identity => {
  const company = random.next() < 0.03
  const name = company
    ? `${random.pick(companies)}${n}号车队`
    : `${random.pick(surnames)}${random.pick(givenNames)}`
  const phone = `1${3 + (n % 7)}${String(n).padStart(9, '0')}`
  const year = random.int(1960, 2002)
  const birthday = company
    ? null
    : `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`
  return { kind: company ? 'company' : 'person', name, phone, phoneHash: phoneHashOf(phone), birthday }
}

const vinAlphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
const plateAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'

const draw = (random: Random, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet.charAt(random.int(0, alphabet.length - 1))).join('')

/** The n-th car sold: a 17-character VIN (never I, O or Q) that is unique by n, a Guangdong plate. */
export const car = (random: Random, n: number): Car => {
  const model = random.pick(models)
  return {
    vin: `LSV${draw(random, vinAlphabet, 8)}${String(n).padStart(6, '0')}`,
    model,
    colour: random.pick(colours),
    gearbox: random.next() < 0.85 ? 'automatic' : 'manual',
    plate: `粤B${draw(random, plateAlphabet, 5)}`,
    priceFen: Math.round(priceYuan[model] * (0.9 + random.next() * 0.2)) * 100,
  }
}
