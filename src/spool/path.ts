/** A file inside the spool directory. Forward slashes work on every platform node:fs runs on. */
export function join(directory: string, name: string): string {
  return /[\\/]$/.test(directory) ? directory + name : `${directory}/${name}`
}
