// The benchmark's side of the null sink (bench/sink.ts): start it as a child process, wait
// until it has received a number of lines, reset its count, stop it.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SinkReply, SinkRequest } from './sink.js'

export interface Sink {
  url: string
  /** Resolves when the sink has received `lines` lines in total since the last reset. */
  received(lines: number): Promise<void>
  reset(): Promise<void>
  stop(): Promise<void>
}

export async function startSink(): Promise<Sink> {
  // Run as TypeScript under tsx, or as the plain JavaScript that memory.bench.ts transpiles.
  const typescript = import.meta.url.endsWith('.ts')
  const child: ChildProcess = fork(
    fileURLToPath(new URL(typescript ? './sink.ts' : './sink.js', import.meta.url)),
    [],
    {
      execArgv: typescript ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const waiting = new Map<SinkReply['type'], (reply: SinkReply) => void>()
  child.on('message', (message: SinkReply) => {
    if (message.type === 'bad') {
      console.error(`sink: unexpected request or body: ${message.detail}`)
      process.exitCode = 1
      return
    }
    const resolve = waiting.get(message.type)
    waiting.delete(message.type)
    resolve?.(message)
  })
  const next = (type: SinkReply['type']): Promise<SinkReply> => new Promise((resolve) => waiting.set(type, resolve))
  const send = (message: SinkRequest): void => {
    child.send(message)
  }
  const listening = (await next('listening')) as Extract<SinkReply, { type: 'listening' }>
  return {
    url: `http://127.0.0.1:${listening.port}`,
    received: async (lines) => {
      const reached = next('reached')
      send({ type: 'expect', lines })
      await reached
    },
    reset: async () => {
      const done = next('reset')
      send({ type: 'reset' })
      await done
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.disconnect()
      await exited
    },
  }
}
