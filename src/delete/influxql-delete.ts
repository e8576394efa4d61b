/**
 * A 2.x delete (time range and predicate) as the InfluxQL `DELETE` statement InfluxDB 1.x runs
 * through `/query`. The range keeps 2.x's meaning, both ends inclusive (`>=` and `<=`); 1.x's own
 * `/api/v2/delete` (1.10 and later) treats `stop` as exclusive instead.
 */
import { InvalidArgumentError } from '../errors.js'
import { parsePredicate, type TagRule } from './predicate-parser.js'

/** An InfluxQL identifier: `"…"` with `\` and `"` escaped (and a line feed as `\n`, which InfluxQL reads back). */
export function quoteInfluxqlIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/** An InfluxQL string literal: `'…'` with `\` and `'` escaped (and a line feed as `\n`). */
export function quoteInfluxqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

/**
 * `DELETE FROM "m" WHERE "tag" = 'v' AND time >= 'start' AND time <= 'stop'`, or `DELETE WHERE …`
 * without a `_measurement`. `predicate` has passed `validatePredicate` (2.x's grammar); what 1.x
 * cannot delete by is refused here, before anything is sent: `_field` (1.x refuses fields in a
 * DELETE's WHERE), `_measurement !=`, and two different `_measurement`s (2.x reads them as both at
 * once, which matches nothing).
 */
export function influxqlDeleteStatement(start: string, stop: string, predicate: string): string {
  const rules = parsePredicate(predicate)
  let measurement: string | undefined
  const conditions: string[] = []
  for (const rule of rules) {
    if (rule.key === '_measurement') {
      measurement = measurementOf(rule, measurement)
      continue
    }
    if (rule.key === '_field') {
      throw new InvalidArgumentError(
        "delete: InfluxDB 1.x cannot delete by field (_field): its DELETE refuses fields in WHERE; delete by measurement and tags, or drop the field's measurement",
      )
    }
    if (rule.key === 'time')
      throw new InvalidArgumentError('delete: "time" in the predicate; give the time range as start and stop')
    conditions.push(`${quoteInfluxqlIdent(rule.key)} ${rule.operator} ${quoteInfluxqlString(rule.value)}`)
  }
  conditions.push(`time >= ${quoteInfluxqlString(start)}`, `time <= ${quoteInfluxqlString(stop)}`)
  const from = measurement === undefined ? '' : ` FROM ${quoteInfluxqlIdent(measurement)}`
  return `DELETE${from} WHERE ${conditions.join(' AND ')}`
}

function measurementOf(rule: TagRule, earlier: string | undefined): string {
  if (rule.operator !== '=') {
    throw new InvalidArgumentError(
      'delete: InfluxDB 1.x cannot delete by _measurement != …: its DELETE names the measurement it deletes from',
    )
  }
  if (earlier !== undefined && earlier !== rule.value) {
    throw new InvalidArgumentError(
      `delete: the predicate asks for _measurement ${JSON.stringify(earlier)} and ${JSON.stringify(rule.value)} at once, which matches nothing`,
    )
  }
  return rule.value
}
