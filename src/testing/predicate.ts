// The embedded server's delete: InfluxDB 2.x's predicate parser (src/delete/predicate-parser.ts,
// shared with the client's validation) and the matcher that applies a parsed predicate to stored series.
import type { TagRule } from '../delete/predicate-parser.js'
import type { DeleteMatcher } from './storage.js'

export { parsePredicate, PredicateError, goQuote, type TagRule } from '../delete/predicate-parser.js'

/** A matcher for {@link BucketStorage.delete} from parsed rules (all must hold). */
export function matcherFor(rules: readonly TagRule[]): DeleteMatcher {
  return {
    perField: rules.some((rule) => rule.key === '_field'),
    matches(measurement, tags, field) {
      return rules.every((rule) => {
        const actual =
          rule.key === '_measurement' ? measurement : rule.key === '_field' ? field : (tags.get(rule.key) ?? '')
        return rule.operator === '=' ? actual === rule.value : actual !== rule.value
      })
    },
  }
}
