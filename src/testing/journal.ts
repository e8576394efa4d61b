// Persistence for the test server: an append-only journal of every change, replayed at start.
// Journaling the accepted request bodies (with the clock value used for points without a
// timestamp) rather than the stored points keeps appends cheap and replay exact, because
// parsing and storing are deterministic.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { WritePrecision } from '../line-protocol/precision.js'
import { isWritePrecision } from '../line-protocol/precision.js'
import { applyDelete } from './delete-handler.js'
import type { Bucket, Organization, Registry } from './registry.js'
import type { RetentionRule } from './retention.js'
import type { WriteJournal } from './write-handler.js'
import { store } from './write-handler.js'

/** Everything the server journals. */
export interface Journal extends WriteJournal {
  delete(bucket: Bucket, start: bigint, stop: bigint, predicate: string): void
  createOrg(org: Organization): void
  createBucket(bucket: Bucket): void
  reset(): void
  close(): void
}

type Entry =
  | { op: 'write'; bucket: string; precision: WritePrecision; now: string; length: number }
  | { op: 'delete'; bucket: string; start: string; stop: string; predicate: string }
  | { op: 'org'; name: string; description: string; createdAt: string }
  | {
      op: 'bucket'
      orgID: string
      name: string
      description: string
      retentionRules: RetentionRule[]
      createdAt: string
    }
  | { op: 'reset' }

/** Replays the journal at `path` into `registry` (creating the file if needed) and opens it for appending. */
export function openJournal(path: string, registry: Registry): Journal {
  const data = existsSync(path) ? readFileSync(path) : Buffer.alloc(0)
  const validLength = replay(data, registry)
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w+')
  // A torn last entry (a crash mid-append) is cut off so that later appends stay readable.
  if (validLength < data.length) {
    process.emitWarning(
      `${path}: dropped ${data.length - validLength} bytes of an incomplete last journal entry`,
      'TestServerJournal',
    )
  }
  ftruncateSync(fd, validLength)
  let position = validLength
  const append = (entry: Entry, payload?: Buffer): void => {
    const header = Buffer.from(JSON.stringify(entry) + '\n')
    position += writeSync(fd, header, 0, header.length, position)
    if (payload !== undefined) {
      position += writeSync(fd, payload, 0, payload.length, position)
      position += writeSync(fd, NEWLINE, 0, 1, position)
    }
  }
  let open = true
  return {
    write(bucket, precision, now, body) {
      const payload = Buffer.from(body)
      append({ op: 'write', bucket: bucket.id, precision, now: String(now), length: payload.length }, payload)
    },
    delete(bucket, start, stop, predicate) {
      append({ op: 'delete', bucket: bucket.id, start: String(start), stop: String(stop), predicate })
    },
    createOrg(org) {
      append({ op: 'org', name: org.name, description: org.description, createdAt: org.createdAt })
    },
    createBucket(bucket) {
      const { orgID, name, description, retentionRules, createdAt } = bucket
      append({ op: 'bucket', orgID, name, description, retentionRules, createdAt })
    },
    reset() {
      append({ op: 'reset' })
    },
    close() {
      if (open) closeSync(fd)
      open = false
    },
  }
}

const NEWLINE = Buffer.from('\n')

// Applies every complete entry; returns the length of the readable prefix.
function replay(data: Buffer, registry: Registry): number {
  let pos = 0
  while (pos < data.length) {
    const lineEnd = data.indexOf(0x0a, pos)
    if (lineEnd < 0) break
    let entry: Entry
    try {
      entry = JSON.parse(data.toString('utf8', pos, lineEnd)) as Entry
    } catch {
      break
    }
    let next = lineEnd + 1
    if (entry.op === 'write') {
      if (next + entry.length + 1 > data.length || !isWritePrecision(entry.precision)) break
      const bucket = registry.bucketById(entry.bucket)
      if (bucket !== undefined)
        store(bucket, data.toString('utf8', next, next + entry.length), entry.precision, BigInt(entry.now))
      next += entry.length + 1
    } else {
      apply(entry, registry)
    }
    pos = next
  }
  return pos
}

function apply(entry: Exclude<Entry, { op: 'write' }>, registry: Registry): void {
  switch (entry.op) {
    case 'delete': {
      const bucket = registry.bucketById(entry.bucket)
      if (bucket !== undefined) applyDelete(bucket, BigInt(entry.start), BigInt(entry.stop), entry.predicate)
      break
    }
    case 'org':
      if (registry.orgByName(entry.name) === undefined)
        registry.createOrg(entry.name, entry.description, entry.createdAt)
      break
    case 'bucket':
      if (registry.bucketByName(entry.orgID, entry.name) === undefined) {
        registry.createBucket(entry.orgID, entry.name, entry.retentionRules, entry.description, entry.createdAt)
      }
      break
    case 'reset':
      for (const bucket of registry.buckets.values()) bucket.storage.clear()
      break
  }
}
