// The store's MQTT topic contract (DESIGN.md): devices publish under
// stores/{storeId}/devices/{deviceId}/{stream}; the server publishes downlink under
// .../{deviceId}/cmd/{name}, task updates for a handheld at .../{deviceId}/tasks, and retains
// stores/{storeId}/edge/status.

export function devicePrefix (storeId: string, deviceId: string): string {
  return `stores/${storeId}/devices/${deviceId}/`
}

export function downlinkPrefix (storeId: string, deviceId: string): string {
  return `${devicePrefix(storeId, deviceId)}cmd/`
}

/** Where the server publishes task updates for a handheld (decisions/tasks/push.ts). */
export function tasksTopic (storeId: string, deviceId: string): string {
  return `${devicePrefix(storeId, deviceId)}${TASKS_TOPIC}`
}

/** The last level of the task topic: downlink, so no device may publish to it. */
export const TASKS_TOPIC = 'tasks'

export function edgeStatusTopic (storeId: string): string {
  return `stores/${storeId}/edge/status`
}

/** Streams every device has whatever its profile says: liveness and its last will. */
export const HEARTBEAT_STREAM = 'heartbeat'
export const STATUS_STREAM = 'status'

export type UplinkTopic =
  | { kind: 'stream', stream: string }
  | { kind: 'heartbeat' }
  | { kind: 'status' }
  | { kind: 'downlink' }
  | { kind: 'outside' }

/** Classifies a topic a device publishes to, relative to its own prefix. */
export function classifyUplink (storeId: string, deviceId: string, topic: string): UplinkTopic {
  const prefix = devicePrefix(storeId, deviceId)
  if (!topic.startsWith(prefix)) return { kind: 'outside' }
  const rest = topic.slice(prefix.length)
  if (rest === '' || rest.includes('/')) {
    return rest.startsWith('cmd/') || rest === 'cmd' ? { kind: 'downlink' } : { kind: 'outside' }
  }
  if (rest === HEARTBEAT_STREAM) return { kind: 'heartbeat' }
  if (rest === STATUS_STREAM) return { kind: 'status' }
  if (rest === 'cmd' || rest === TASKS_TOPIC) return { kind: 'downlink' }
  return { kind: 'stream', stream: rest }
}

/**
 * A device may subscribe to its own downlink (cmd/ and below, wildcards inside it allowed), to its
 * own task updates (exactly that topic) and to the server's retained status; no other filter, so
 * no device can read another's traffic.
 */
export function maySubscribe (storeId: string, deviceId: string, filter: string): boolean {
  if (filter === edgeStatusTopic(storeId) || filter === tasksTopic(storeId, deviceId)) return true
  const down = downlinkPrefix(storeId, deviceId)
  return filter.startsWith(down)
}
