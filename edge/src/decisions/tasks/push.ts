// Task updates pushed to handhelds over MQTT (issue 5, point 6): after each task write commits, a
// small message goes to the handhelds that should know. Who: the devices where the task's assignee
// (and, after a release or a completion, whoever held it just before) is signed in; and, for a task
// that is open or was open just before (created, updated, claimed from the pool, cancelled while
// open), the devices of signed-in associates the task is offered to (offer.ts's zone and skill
// rule). Topic: stores/{storeId}/devices/{deviceId}/tasks, QoS 1, not retained (the handheld asks
// GET /api/v1/handheld/tasks for the full list when it reconnects).
// Pushing never blocks or fails a task write: the publish is not awaited and failures are logged.

import type { Log } from '../../core/log.js'
import type { Associate } from '../../store/associates.js'
import type { TaskChange, TaskChangeKind } from './changes.js'
import { fitsAssociate, type ZoneOf } from './offer.js'
import type { Task, TaskState } from './types.js'

/** What a handheld receives. */
export interface TaskPushMessage {
  change: TaskChangeKind
  task: Pick<Task, 'id' | 'kind' | 'sku' | 'location' | 'qty' | 'value' | 'state' | 'assignee' | 'version' | 'why'>
}

export interface TaskPushOptions {
  /** Publishes to a device's task topic (the broker's publishTasks). */
  publish: (deviceId: string, message: TaskPushMessage) => Promise<void>
  /** Devices with a live associate token, and who is signed in on each (Associates.signedIn). */
  signedIn: () => Array<{ associate: Associate, deviceId: string }>
  zoneOf: ZoneOf
  /** Server time, ms: open tasks go only to associates on shift. */
  now?: () => number
  log: Log
}

export function pushMessage (c: TaskChange): TaskPushMessage {
  const t = c.task
  return {
    change: c.change,
    task: { id: t.id, kind: t.kind, sku: t.sku, location: t.location, qty: t.qty, value: t.value, state: t.state, assignee: t.assignee, version: t.version, why: t.why }
  }
}

/** The devices that hear of a change, each once, in id order. */
export function recipientsOf (c: TaskChange, signedIn: Array<{ associate: Associate, deviceId: string }>, zoneOf: ZoneOf, nowMs?: number): string[] {
  const holders = new Set<string>()
  if (c.task.assignee !== null) holders.add(c.task.assignee)
  if (c.before?.assignee) holders.add(c.before.assignee)
  const wasOpen = (s: TaskState | undefined): boolean => s === 'open'
  const pool = wasOpen(c.task.state) || wasOpen(c.before?.state)
  const devices = new Set<string>()
  for (const { associate, deviceId } of signedIn) {
    if (holders.has(associate.id) || (pool && fitsAssociate(associate, c.task, zoneOf, nowMs))) devices.add(deviceId)
  }
  return [...devices].sort()
}

export class TaskPush {
  constructor (private readonly o: TaskPushOptions) {}

  /** The TaskStore change listener. Never throws. */
  readonly onChange = (c: TaskChange): void => {
    let devices: string[]
    try {
      devices = recipientsOf(c, this.o.signedIn(), this.o.zoneOf, this.o.now?.())
    } catch (err) {
      this.o.log.error({ err, taskId: c.task.id, change: c.change }, 'task push: recipients not found')
      return
    }
    if (devices.length === 0) return
    const message = pushMessage(c)
    for (const deviceId of devices) {
      // A publish that throws (a closing broker) is caught like one that rejects.
      Promise.resolve().then(() => this.o.publish(deviceId, message)).catch((err: unknown) => {
        this.o.log.warn({ err, deviceId, taskId: c.task.id, change: c.change }, 'task push not published')
      })
    }
    this.o.log.debug({ taskId: c.task.id, change: c.change, devices }, 'task update pushed')
  }
}
