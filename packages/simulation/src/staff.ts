// The dealership's staff (docs/domain.md §1 parties), each acting in the role a domain checks.

export interface StaffMember {
  readonly id: string
  readonly role: string
}

const member = (id: string, role: string): StaffMember => ({ id, role })

export const salesConsultants = [
  member('consultant-wang', 'sales-consultant'),
  member('consultant-li', 'sales-consultant'),
  member('consultant-zhao', 'sales-consultant'),
  member('consultant-sun', 'sales-consultant'),
  member('consultant-zhou', 'sales-consultant'),
  member('consultant-wu', 'sales-consultant'),
]
export const serviceAdvisors = [
  member('advisor-chen', 'service-advisor'),
  member('advisor-lin', 'service-advisor'),
  member('advisor-he', 'service-advisor'),
  member('advisor-guo', 'service-advisor'),
]
export const customerManagers = [
  member('manager-huang', 'customer-manager'),
  member('manager-xu', 'customer-manager'),
  member('manager-ma', 'customer-manager'),
]
export const callBackStaff = [
  member('call-back-zhou', 'call-back-staff'),
  member('call-back-tang', 'call-back-staff'),
]
export const dutyManager = member('duty-manager-liu', 'duty-manager')
export const showroomManager = member('showroom-manager-chen', 'showroom-manager')
export const salesManager = member('sales-manager-gao', 'sales-manager')
export const serviceManager = member('service-manager-li', 'service-manager')
export const afterSalesDirector = member('after-sales-director-luo', 'after-sales-director')
export const generalManager = member('general-manager-he', 'general-manager')
export const cashier = member('cashier-yang', 'cashier')
/** Sends the time-driven evaluations (lifecycle, loyalty). */
export const scheduler = member('scheduler', 'scheduler')
/** Sends the complaint SLA evaluations. */
export const slaScheduler = member('sla-scheduler', 'system')

/** The approver of a complaint resolution for the role it requires. */
export const approverFor = (role: string): StaffMember =>
  role === 'service-manager'
    ? serviceManager
    : role === 'after-sales-director'
      ? afterSalesDirector
      : generalManager
