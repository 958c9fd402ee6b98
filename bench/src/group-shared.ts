/** What bench/src/group.ts and its rebuild workers share. */
export { tenantTables } from '@dealer-crm/store-postgres'

/** The connection string `url` logging in as `role` (trust or peer authentication: no password). */
export const asRole = (url: string, role: string): string => {
  const u = new URL(url)
  u.username = role
  u.password = ''
  return u.toString()
}

/** What a rebuild worker reports. */
export interface RebuildReply {
  readonly documents: number
  readonly eventsRead: number
}
