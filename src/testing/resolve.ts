// Finding the org and bucket that a write or delete names, with InfluxDB 2.x's messages.
import type { Reply, RequestContext } from './http-reply.js'
import { errorReply } from './http-reply.js'
import type { Bucket, Organization } from './registry.js'
import { isValidId } from './registry.js'

/** The org named by `orgID` (wins) or `org` (an ID when it looks like one, else a name). */
export function resolveOrg(ctx: RequestContext): Organization | Reply {
  const orgID = ctx.query.get('orgID') ?? ''
  if (orgID !== '') {
    const invalid = invalidIdReply(orgID)
    if (invalid !== undefined) return invalid
    return ctx.registry.orgById(orgID) ?? errorReply(404, 'not found', 'organization not found')
  }
  const org = ctx.query.get('org') ?? ''
  if (org === '') return errorReply(400, 'invalid', 'Please provide either orgID or org')
  // A value that parses as an ID is only ever an ID, as in InfluxDB 2.x.
  if (isValidId(org)) return ctx.registry.orgById(org) ?? errorReply(404, 'not found', 'organization not found')
  return ctx.registry.orgByName(org) ?? errorReply(404, 'not found', `organization name "${org}" not found`)
}

/** The 400 reply for a malformed ID, or undefined when the ID is well formed. */
export function invalidIdReply(id: string): Reply | undefined {
  if (id.length !== 16) return errorReply(400, 'invalid', 'id must have a length of 16 bytes')
  if (!isValidId(id)) return errorReply(400, 'invalid', 'invalid ID')
  return undefined
}

/** The bucket a write names: tried as an ID first, then as a name in the org. */
export function resolveWriteBucket(ctx: RequestContext, org: Organization, bucket: string): Bucket | Reply {
  if (isValidId(bucket)) {
    const byId = ctx.registry.bucketById(bucket)
    if (byId !== undefined && byId.orgID === org.id) return byId
  }
  return ctx.registry.bucketByName(org.id, bucket) ?? errorReply(404, 'not found', `bucket "${bucket}" not found`)
}
