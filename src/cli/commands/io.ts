/** What a command gets from its process: streams and environment, replaceable in tests. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream
  stdout: { write(text: string): unknown }
  stderr: { isTTY?: boolean; columns?: number; write(text: string): unknown }
  env: NodeJS.ProcessEnv
  /** Tells the error reporter which server to name in connection errors. */
  setUrl: (url: string) => void
}
