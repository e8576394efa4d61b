// GET/POST /api/v2/buckets and /api/v2/orgs, as far as a client of the write and delete APIs needs them.
import type { Reply, RequestContext } from './http-reply.js'
import { allows, authenticate, errorReply, isReply } from './http-reply.js'
import type { Bucket, Organization } from './registry.js'
import type { RetentionRule } from './retention.js'

/** Journals created orgs and buckets. */
export interface ResourceJournal {
  createOrg(org: Organization): void
  createBucket(bucket: Bucket): void
}

/** GET lists buckets (filters `org`, `orgID`, `name`, `id`); POST creates one. */
export function handleBuckets(ctx: RequestContext, journal?: ResourceJournal): Reply {
  const denied = checkAccess(ctx, ctx.method === 'GET' ? 'read' : 'all')
  if (denied !== undefined) return denied
  if (ctx.method === 'GET') {
    const org = orgFilter(ctx)
    if (isReply(org)) return org
    const name = ctx.query.get('name')
    const id = ctx.query.get('id')
    const buckets = [...ctx.registry.buckets.values()].filter(
      (b) =>
        (org === undefined || b.orgID === org.id) && (name === null || b.name === name) && (id === null || b.id === id),
    )
    return {
      status: 200,
      json: { links: { self: '/api/v2/buckets?descending=false&limit=20&offset=0' }, buckets: buckets.map(bucketJson) },
    }
  }
  const body = jsonObject(ctx)
  if (isReply(body)) return body
  const orgID = typeof body.orgID === 'string' ? body.orgID : ''
  const name = typeof body.name === 'string' ? body.name : ''
  if (orgID === '') return errorReply(400, 'invalid', 'organization id must be provided')
  if (name === '') return errorReply(400, 'invalid', 'bucket name is required')
  if (ctx.registry.orgById(orgID) === undefined) return errorReply(404, 'not found', 'organization not found')
  if (ctx.registry.bucketByName(orgID, name) !== undefined) {
    return errorReply(422, 'conflict', `bucket with name ${name} already exists`)
  }
  const rules = Array.isArray(body.retentionRules) ? (body.retentionRules as RetentionRule[]) : []
  const description = typeof body.description === 'string' ? body.description : ''
  const bucket = ctx.registry.createBucket(orgID, name, rules, description)
  journal?.createBucket(bucket)
  return { status: 201, json: bucketJson(bucket) }
}

/** GET lists orgs (filters `org`, `orgID`); POST creates one. */
export function handleOrgs(ctx: RequestContext, journal?: ResourceJournal): Reply {
  const denied = checkAccess(ctx, ctx.method === 'GET' ? 'read' : 'all')
  if (denied !== undefined) return denied
  if (ctx.method === 'GET') {
    const org = orgFilter(ctx)
    if (isReply(org)) return org
    const orgs = org === undefined ? [...ctx.registry.orgs.values()] : [org]
    return { status: 200, json: { links: { self: '/api/v2/orgs' }, orgs: orgs.map(orgJson) } }
  }
  const body = jsonObject(ctx)
  if (isReply(body)) return body
  const name = typeof body.name === 'string' ? body.name : ''
  if (name === '') return errorReply(400, 'invalid', 'org name is empty')
  if (ctx.registry.orgByName(name) !== undefined) {
    return errorReply(422, 'conflict', `organization with name ${name} already exists`)
  }
  const org = ctx.registry.createOrg(name, typeof body.description === 'string' ? body.description : '')
  journal?.createOrg(org)
  return { status: 201, json: orgJson(org) }
}

function checkAccess(ctx: RequestContext, need: 'read' | 'all'): Reply | undefined {
  const token = authenticate(ctx)
  if (isReply(token)) return token
  return allows(token.permissions, need) ? undefined : errorReply(403, 'forbidden', 'insufficient permissions')
}

function orgFilter(ctx: RequestContext): Organization | undefined | Reply {
  const orgID = ctx.query.get('orgID')
  if (orgID !== null && orgID !== '')
    return ctx.registry.orgById(orgID) ?? errorReply(404, 'not found', 'organization not found')
  const name = ctx.query.get('org')
  if (name !== null && name !== '') {
    return ctx.registry.orgByName(name) ?? errorReply(404, 'not found', `organization name "${name}" not found`)
  }
  return undefined
}

function jsonObject(ctx: RequestContext): Record<string, unknown> | Reply {
  try {
    const value: unknown = JSON.parse(ctx.body.toString('utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  return errorReply(400, 'invalid', 'failed to decode request body')
}

function bucketJson(bucket: Bucket): object {
  return {
    id: bucket.id,
    orgID: bucket.orgID,
    type: 'user',
    name: bucket.name,
    description: bucket.description,
    retentionRules: bucket.retentionRules,
    createdAt: bucket.createdAt,
    updatedAt: bucket.createdAt,
    links: {
      self: `/api/v2/buckets/${bucket.id}`,
      org: `/api/v2/orgs/${bucket.orgID}`,
      write: `/api/v2/write?org=${bucket.orgID}&bucket=${bucket.id}`,
    },
    labels: [],
  }
}

function orgJson(org: Organization): object {
  return {
    id: org.id,
    name: org.name,
    description: org.description,
    createdAt: org.createdAt,
    updatedAt: org.createdAt,
    links: { self: `/api/v2/orgs/${org.id}`, buckets: `/api/v2/buckets?org=${encodeURIComponent(org.name)}` },
  }
}
