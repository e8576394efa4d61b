/** This package's version, sent in `User-Agent`. Keep equal to package.json's `version`. */
export const CLIENT_VERSION = '0.1.0'

/** The `User-Agent` header value. */
export const USER_AGENT = `influxdb-client-async/${CLIENT_VERSION}`
