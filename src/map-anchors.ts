/**
 * Instances kept for the life of the process, one per class on a hot path.
 *
 * Why: V8 reaches an instance's final shape (its map) by adding fields one by one from the
 * class's initial map, and holds those transitions only weakly. Once every instance of a class
 * is garbage, such as between two write() calls, a full collection frees the map and throws
 * away all optimised code that was specialised on it (`node --trace-deopt`: "marking dependent
 * code … for deoptimization, reason: weak objects"). The next write then runs unoptimised until
 * the code is compiled again.
 */
const anchors: object[] = []

/** Keeps `instance`, and so its class's map, alive for the life of the process. */
export function keepMapAlive(instance: object): void {
  anchors.push(instance)
}
