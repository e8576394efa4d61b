import type { DefaultTagValue } from '../line-protocol/default-tags.js'
import { setOwn } from '../own-keys.js'

/**
 * Default tags for one write API: `client.writeApi(new PointSettings({ dc: 'eu-1' }))`.
 * A value written as `${env.NAME}` is read from the environment when the write API is created.
 * The object is copied on construction and by `writeApi()`, so later changes never reach an
 * existing write API and nothing is shared between clients.
 */
export class PointSettings {
  readonly #tags: Record<string, DefaultTagValue>

  constructor(defaultTags: Readonly<Record<string, DefaultTagValue>> = {}) {
    this.#tags = { ...defaultTags }
  }

  /** Adds or replaces one default tag; returns this for chaining. */
  addDefaultTag(key: string, value: DefaultTagValue): this {
    setOwn(this.#tags, key, value)
    return this
  }

  /** A copy of the default tags, unresolved. */
  get defaultTags(): Record<string, DefaultTagValue> {
    return { ...this.#tags }
  }
}
