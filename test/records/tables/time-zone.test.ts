import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TimeZoneOffsets } from '../../../src/records/tables/time-zone.js'

const HOUR = 3_600_000

describe('TimeZoneOffsets', () => {
  test('offsets of Europe/Berlin: summer, winter, and local mean time before 1893', () => {
    const berlin = new TimeZoneOffsets('Europe/Berlin')
    assert.equal(berlin.offsetAt(Date.UTC(2020, 4, 24, 8)), 2 * HOUR)
    assert.equal(berlin.offsetAt(Date.UTC(2020, 0, 1)), HOUR)
    assert.equal(berlin.offsetAt(Date.UTC(1800, 0, 1)), 53 * 60_000 + 28_000)
    assert.equal(berlin.offsetAt(Date.UTC(1000, 0, 1)), 53 * 60_000 + 28_000)
  })

  test('half-hour daylight saving (Australia/Lord_Howe) and a negative zone', () => {
    const lordHowe = new TimeZoneOffsets('Australia/Lord_Howe')
    assert.equal(lordHowe.offsetAt(Date.UTC(2021, 0, 1)), 11 * HOUR)
    assert.equal(lordHowe.offsetAt(Date.UTC(2021, 6, 1)), 10.5 * HOUR)
    assert.equal(new TimeZoneOffsets('America/New_York').offsetAt(Date.UTC(2021, 0, 1)), -5 * HOUR)
  })

  test('toUtc: a repeated wall-clock time is the earlier instant, a skipped one is undefined', () => {
    const berlin = new TimeZoneOffsets('Europe/Berlin')
    assert.equal(berlin.toUtc(Date.UTC(2021, 9, 31, 2, 30)), Date.UTC(2021, 9, 31, 0, 30))
    assert.equal(berlin.toUtc(Date.UTC(2021, 2, 28, 2, 30)), undefined)
    assert.equal(berlin.toUtc(Date.UTC(2021, 2, 28, 2, 0)), undefined)
    assert.equal(berlin.toUtc(Date.UTC(2021, 2, 28, 3, 0)), Date.UTC(2021, 2, 28, 1, 0))
  })

  test('fixed offsets, UTC and spelling', () => {
    assert.equal(new TimeZoneOffsets('+05:30').toUtc(Date.UTC(2020, 0, 1, 5, 30)), Date.UTC(2020, 0, 1))
    assert.equal(new TimeZoneOffsets('-0800').offsetAt(0), -8 * HOUR)
    assert.equal(new TimeZoneOffsets('UTC').isUtc, true)
    assert.equal(new TimeZoneOffsets('europe/berlin').zone, 'Europe/Berlin')
    assert.throws(() => new TimeZoneOffsets('Nowhere/Land'), RangeError)
    assert.throws(() => new TimeZoneOffsets('+25:00'), RangeError)
  })

  test('property: the wall clock of any instant maps back to that instant, or to an earlier one showing the same time', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'America/Sao_Paulo',
      'Pacific/Apia',
    ].map((zone) => new TimeZoneOffsets(zone))
    const instants = fc
      .integer({ min: Date.UTC(1900, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 })
      .map((s) => s * 1000)
    fc.assert(
      fc.property(fc.constantFrom(...zones), instants, (zone, utc) => {
        const wall = utc + zone.offsetAt(utc)
        const back = zone.toUtc(wall)
        assert.ok(back !== undefined, `${zone.zone}: wall clock of ${new Date(utc).toISOString()} not found`)
        assert.ok(back <= utc)
        assert.equal(back + zone.offsetAt(back), wall)
      }),
      { numRuns: 3000 },
    )
  })
})
