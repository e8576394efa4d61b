// workerd: a GET of `/?base=<url>` runs the probe inside the request and answers the report.
import { runProbe } from '../probe.js'

export default {
  async fetch(request: Request): Promise<Response> {
    const base = new URL(request.url).searchParams.get('base') ?? ''
    try {
      return new Response(JSON.stringify(await runProbe(base, true)), {
        headers: { 'content-type': 'application/json' },
      })
    } catch (error) {
      return new Response(`the probe threw: ${error instanceof Error ? error.stack : String(error)}`, { status: 500 })
    }
  },
}
