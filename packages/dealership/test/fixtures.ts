import { keyedHash, normalizePhone } from '@dealer-crm/eventsourcing'

const secret = 'test-dealer-secret'
export const phoneHash = (phone: string) => keyedHash(secret, normalizePhone(phone))

/** Monday 2 March 2026, 09:00 China time, plus whole hours, as UTC. */
export const mondayAt = (hours: number): string =>
  new Date(Date.parse('2026-03-02T09:00:00+08:00') + hours * 3_600_000).toISOString()

export const salesConsultant = { id: 'consultant-wang', role: 'sales-consultant' }
export const dutyManager = { id: 'duty-manager-liu', role: 'duty-manager' }
export const showroomManager = { id: 'showroom-manager-chen', role: 'showroom-manager' }
export const caller = { id: 'call-back-zhou', role: 'call-back-staff' }
export const advisor = { id: 'advisor-wang', role: 'service-advisor' }
export const serviceManager = { id: 'manager-li', role: 'service-manager' }

export const zhangSan = {
  customerId: 'zhang-san',
  name: '张三',
  phone: '13800138000',
  vehicle: { model: 'Sagitar', colour: 'white', gearbox: 'automatic' },
  vin: 'LSVAU2180N2183294',
}
export const liSi = {
  customerId: 'li-si',
  name: '李四',
  phone: '13900139000',
  purchase: { model: 'Golf', colour: 'red', gearbox: 'manual' },
}

export const registerProspect = (
  customer: { customerId: string; name: string; phone: string },
  at: string,
) => ({
  type: 'RegisterProspect',
  data: {
    customerId: customer.customerId,
    at,
    by: salesConsultant,
    source: 'showroom',
    kind: 'person',
    name: customer.name,
    phone: customer.phone,
    phoneHash: phoneHash(customer.phone),
    birthday: null,
  },
})

export const recordDelivery = (overrides: Record<string, unknown> = {}) => ({
  type: 'RecordDelivery',
  data: {
    customerId: zhangSan.customerId,
    at: mondayAt(1),
    by: salesConsultant,
    vin: zhangSan.vin,
    model: zhangSan.vehicle.model,
    colour: zhangSan.vehicle.colour,
    plate: '粤B12345',
    mileageKm: 12,
    previousOwnerId: null,
    ...overrides,
  },
})

export const referralId = 'ref-0001'

export const referralSteps = (at: (hours: number) => string) => [
  {
    type: 'RegisterReferral',
    data: {
      referralId,
      referee: {
        customerId: liSi.customerId,
        name: liSi.name,
        phone: liSi.phone,
        phoneHash: phoneHash(liSi.phone),
        purchase: liSi.purchase,
      },
      referrer: {
        customerId: zhangSan.customerId,
        name: zhangSan.name,
        phone: zhangSan.phone,
        phoneHash: phoneHash(zhangSan.phone),
        vehicle: zhangSan.vehicle,
      },
      reportedBy: salesConsultant,
      registeredBy: dutyManager,
      refereeDeliveredAt: null,
      refereeLiveReferralId: null,
      at: at(24),
    },
  },
  {
    type: 'ScreenReferral',
    data: { referralId, by: salesConsultant, ownersReferral: true, referrerHelped: true, at: at(25) },
  },
  { type: 'CheckAtDelivery', data: { referralId, by: showroomManager, licenceMatches: true, at: at(48) } },
  {
    type: 'ScheduleCallBack',
    data: {
      referralId,
      by: caller,
      verifierId: caller.id,
      draw: {
        callee: 'referee',
        questions: [
          { kind: 'ask', topic: 'workplace' },
          { kind: 'ask', topic: 'how-they-know-each-other' },
          { kind: 'false-statement', asserted: { model: 'Jetta', colour: 'black', gearbox: null } },
        ],
      },
      at: at(49),
    },
  },
  {
    type: 'RecordCallBackAnswers',
    data: { referralId, verifier: caller, answers: ['right', 'right', 'right'], at: at(50) },
  },
  {
    type: 'ReleaseReward',
    data: {
      referralId,
      by: showroomManager,
      kind: 'loyalty-points',
      referrerStanding: { successfulReferralsBefore: 0, blocked: false },
      at: at(51),
    },
  },
]

export const complaintId = 'cmp-0001'

export const complaintSteps = (at: (hours: number) => string, goodwillPoints: number) => {
  const step = (type: string, hours: number, data: Record<string, unknown> = {}, by: unknown = advisor) => ({
    type,
    data: { complaintId, by, at: at(hours), ...data },
  })
  return [
    step('ReceiveComplaint', 72, {
      customerId: zhangSan.customerId,
      channel: 'phone',
      account: 'The air conditioner still makes a noise after the service',
      remedySought: 'Fix it properly',
      vehicleId: null,
      repairOrderId: null,
      owner: advisor.id,
      severity: 'general',
      safetyRelated: false,
      priorComplaints: { count: 0, lastReceivedAt: null },
    }),
    step('AcknowledgeComplaint', 73),
    step('ConfirmProblem', 74, {
      courseOfEvents: 'Noise at the first service; nothing found; noise again two days later',
      cause: 'Blower motor broken',
      keyFactors: ['first inspection incomplete'],
    }),
    step(
      'AnalyseComplaint',
      75,
      {
        severity: 'general',
        safetyRelated: false,
        justified: true,
        needsFurtherInvestigation: false,
        wantsBeyondMoney: [],
      },
      serviceManager,
    ),
    step(
      'ProposeResolution',
      76,
      { compensation: [{ kind: 'goodwill-points', points: goodwillPoints }], explanations: [] },
      serviceManager,
    ),
    step('ApproveResolution', 77, {}, serviceManager),
    step('RecordCustomerDecision', 78, { decision: 'accept', reason: null }, serviceManager),
    step('ExecuteResolution', 79),
  ]
}
