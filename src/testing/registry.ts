// Organizations, buckets and tokens of the test server, with InfluxDB 2.x's ID rules.
import { createHash } from 'node:crypto'
import { BucketStorage } from './storage.js'
import type { RetentionRule } from './retention.js'

/** What a token may do. `read` lists buckets and orgs; `write` also writes and deletes; `all` also creates buckets and orgs. */
export type Permission = 'read' | 'write' | 'all'

/** A token the server accepts. */
export interface TokenSpec {
  /** The token as clients send it. */
  token: string
  /** What it may do: `read`, `write` (also delete) or `all` (also create buckets and orgs). */
  permissions: Permission
}

/** An organization. */
export interface Organization {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly createdAt: string
}

/** A bucket and its points. */
export interface Bucket {
  readonly id: string
  readonly orgID: string
  readonly name: string
  readonly description: string
  readonly retentionRules: RetentionRule[]
  readonly createdAt: string
  readonly storage: BucketStorage
}

const ID_PATTERN = /^[0-9a-fA-F]{16}$/

/** True for a 16-hex-digit ID other than all zeros, as InfluxDB's `platform.ID` decodes it. */
export function isValidId(text: string): boolean {
  return ID_PATTERN.test(text) && !/^0+$/.test(text)
}

// Derived from the name, so that default orgs and buckets keep their IDs across restarts.
function deriveId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  for (let i = 0; i + 16 <= hex.length; i++) {
    const id = hex.slice(i, i + 16)
    if (isValidId(id)) return id
  }
  return '0000000000000001'
}

/** The orgs and buckets of one server. */
export class Registry {
  readonly orgs = new Map<string, Organization>()
  readonly buckets = new Map<string, Bucket>()

  createOrg(name: string, description = '', createdAt = new Date().toISOString()): Organization {
    const org: Organization = { id: deriveId(`org:${name}`), name, description, createdAt }
    this.orgs.set(org.id, org)
    return org
  }

  createBucket(
    orgID: string,
    name: string,
    retentionRules: RetentionRule[] = [],
    description = '',
    createdAt = new Date().toISOString(),
  ): Bucket {
    const bucket: Bucket = {
      id: deriveId(`bucket:${orgID}:${name}`),
      orgID,
      name,
      description,
      retentionRules,
      createdAt,
      storage: new BucketStorage(),
    }
    this.buckets.set(bucket.id, bucket)
    return bucket
  }

  orgByName(name: string): Organization | undefined {
    for (const org of this.orgs.values()) if (org.name === name) return org
    return undefined
  }

  orgById(id: string): Organization | undefined {
    return this.orgs.get(id.toLowerCase())
  }

  bucketByName(orgID: string, name: string): Bucket | undefined {
    for (const bucket of this.buckets.values()) if (bucket.orgID === orgID && bucket.name === name) return bucket
    return undefined
  }

  bucketById(id: string): Bucket | undefined {
    return this.buckets.get(id.toLowerCase())
  }
}
