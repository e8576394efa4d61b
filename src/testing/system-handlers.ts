// /ping and /health: no authentication, as in InfluxDB 2.x.
import type { Reply } from './http-reply.js'
import { SERVER_VERSION } from './http-reply.js'

export function handlePing(): Reply {
  return { status: 204 }
}

export function handleHealth(): Reply {
  return {
    status: 200,
    json: {
      name: 'influxdb',
      message: 'ready for queries and writes',
      status: 'pass',
      checks: [],
      version: SERVER_VERSION,
      commit: 'embedded',
    },
  }
}
