// Tasks over HTTP. Handhelds (device Basic auth + x-associate-token, see handheld-auth.ts): the
// associate's ranked list and a batch of (offline) actions answered per action. Operators (admin,
// managers): list tasks, create one by hand, cancel or reassign one, decide a receiving review.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EdgeError, Errors } from '../../core/errors.js'
import type { ActionInput } from '../../decisions/tasks/actions.js'
import { REVIEW_DECISIONS } from '../../decisions/tasks/completers/review.js'
import type { ReviewDecision } from '../../decisions/tasks/review-decision.js'
import { LIVE_UNIQUE_KINDS, TASK_ACTIONS, TASK_KINDS, TASK_STATES, type TaskDraft, type TaskKind, type TaskState } from '../../decisions/tasks/types.js'
import { adminGuard } from '../auth.js'
import type { AppDeps } from '../deps.js'
import { handheldFromRequest, type Handheld } from '../handheld-auth.js'
import { actorOf } from '../access.js'
import { errorResponses } from '../schemas.js'

/** Actions per POST: a shift's offline work fits in a few batches. */
const MAX_ACTIONS = 500

const taskSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: [...TASK_KINDS] },
    sku: { type: 'string' },
    location: { type: 'string' },
    fromLocation: { type: ['string', 'null'] },
    qty: { type: ['integer', 'null'] },
    value: { type: 'number', description: 'expected lost revenue avoided per labor minute' },
    laborMin: { type: 'number', description: 'estimated labor, minutes' },
    deadline: { type: ['string', 'null'] },
    why: { type: 'object', additionalProperties: true },
    lineage: { type: 'array', items: { type: 'string' } },
    state: { type: 'string', enum: [...TASK_STATES] },
    assignee: { type: ['string', 'null'] },
    claimedAt: { type: ['string', 'null'] },
    startedAt: { type: ['string', 'null'] },
    doneAt: { type: ['string', 'null'] },
    cancelReason: { type: ['string', 'null'] },
    result: { type: ['object', 'null'], additionalProperties: true },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const

const errorObject = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } as const
const briefTask = { type: 'object', properties: { id: { type: 'integer' }, state: { type: 'string' }, version: { type: 'integer' }, assignee: { type: ['string', 'null'] } } } as const
const outcomeSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, task: briefTask, raised: { type: 'array', items: { type: 'integer' } }, error: errorObject }
} as const

export async function taskRoutes (app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = adminGuard(deps.config.adminToken)
  const handhelds = new WeakMap<FastifyRequest, Handheld>()
  // Credentials are checked before the body is read (as POST /api/v1/events does).
  const handheld = async (req: FastifyRequest): Promise<void> => { handhelds.set(req, handheldFromRequest(req, deps)) }

  app.get('/api/v1/handheld/tasks', {
    config: { access: 'device' },
    onRequest: handheld,
    schema: {
      tags: ['tasks'],
      summary: "The signed-in associate's tasks: open ones in their zones and skills, best value per labor minute first, and the ones they hold",
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } },
      response: { 200: { type: 'object', properties: { tasks: { type: 'array', items: taskSchema }, mine: { type: 'array', items: taskSchema } } }, ...errorResponses }
    }
  }, async (req) => {
    const { associate } = handhelds.get(req)!
    return deps.tasks.offeredTo(associate, (req.query as { limit: number }).limit)
  })

  app.post('/api/v1/handheld/actions', {
    config: { access: 'device' },
    onRequest: async (req) => {
      if (deps.draining()) throw new EdgeError(Errors.UNAVAILABLE, 'the server is shutting down; retry shortly')
      await handheld(req)
    },
    schema: {
      tags: ['tasks'],
      summary: 'A batch of task actions done on the handheld, maybe offline; each applies once per (device, actionId)',
      description: 'Applied in the order the work was done (at, then claim < start < complete < release) and answered in the order sent: accepted, duplicate (a replay: `first` is the first answer), conflict (someone else changed the task: EDGE_ERR_TASK_CONFLICT with who and when) or rejected with a stable code.',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['actions'],
        properties: {
          actions: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_ACTIONS,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['actionId', 'taskId', 'action'],
              properties: {
                actionId: { type: 'string', minLength: 1, maxLength: 128 },
                taskId: { type: 'integer', minimum: 1 },
                action: { type: 'string', enum: [...TASK_ACTIONS] },
                at: { type: 'string', format: 'date-time' },
                result: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    moved: { type: 'integer', minimum: 0, description: 'units moved to the task\'s location (onto the shelf, into the put-away destination)' },
                    found: { type: 'integer', minimum: 0, description: 'units found at the source (a fill\'s bin) or at a count\'s location' },
                    counts: {
                      type: 'array',
                      maxItems: 20,
                      description: 'a count of several locations',
                      items: { type: 'object', additionalProperties: false, required: ['location', 'qty'], properties: { location: { type: 'string', minLength: 1, maxLength: 64 }, qty: { type: 'integer', minimum: 0 } } }
                    },
                    to: { type: 'string', minLength: 1, maxLength: 64, description: 'a put-away that went elsewhere than asked: where' },
                    decision: { type: 'string', minLength: 1, maxLength: 64, description: 'a review\'s decision' },
                    laborMin: { type: 'number', minimum: 0, maximum: 1440, description: 'minutes worked' },
                    note: { type: 'string', maxLength: 500 }
                  }
                }
              }
            }
          }
        }
      },
      response: {
        200: {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            duplicates: { type: 'integer' },
            conflicts: { type: 'integer' },
            rejected: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  index: { type: 'integer' },
                  actionId: { type: 'string' },
                  taskId: { type: 'integer' },
                  status: { type: 'string', enum: ['accepted', 'duplicate', 'conflict', 'rejected'] },
                  task: briefTask,
                  raised: { type: 'array', items: { type: 'integer' } },
                  error: errorObject,
                  first: outcomeSchema
                }
              }
            }
          }
        },
        ...errorResponses
      }
    }
  }, async (req) => {
    const { device, associate } = handhelds.get(req)!
    const { actions } = req.body as { actions: ActionInput[] }
    const results = await deps.tasks.actions.apply(associate, device.id, actions)
    deps.presence.seen(device.id, device.profileId)
    const count = (s: string): number => results.filter((r) => r.status === s).length
    return { accepted: count('accepted'), duplicates: count('duplicate'), conflicts: count('conflict'), rejected: count('rejected'), results }
  })

  app.get('/api/v1/tasks', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      summary: 'Tasks, filtered (admin), best value per labor minute first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          state: { type: 'string', enum: [...TASK_STATES] },
          kind: { type: 'string', enum: [...TASK_KINDS] },
          sku: { type: 'string' },
          location: { type: 'string' },
          assignee: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 }
        }
      },
      response: { 200: { type: 'object', properties: { tasks: { type: 'array', items: taskSchema } } }, ...errorResponses }
    }
  }, async (req) => ({ tasks: deps.tasks.store.list(req.query as { state?: TaskState, kind?: TaskKind }) }))

  app.get('/api/v1/tasks/:id', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      response: { 200: taskSchema, ...errorResponses }
    }
  }, async (req) => deps.tasks.store.must((req.params as { id: number }).id))

  app.post('/api/v1/tasks', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      summary: 'Create a task by hand (admin), e.g. a count; a fill updates the live fill of its SKU-location in place',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'sku', 'location'],
        properties: {
          kind: { type: 'string', enum: [...TASK_KINDS] },
          sku: { type: 'string', minLength: 1 },
          location: { type: 'string', minLength: 1 },
          fromLocation: { type: 'string', minLength: 1 },
          qty: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          value: { type: 'number', minimum: 0, maximum: 1e9 },
          laborMin: { type: 'number', minimum: 0, maximum: 1440 },
          deadline: { type: 'string', format: 'date-time' },
          why: { type: 'object', additionalProperties: true }
        }
      },
      response: { 201: { type: 'object', properties: { task: taskSchema, created: { type: 'boolean' } } }, ...errorResponses }
    }
  }, async (req, reply) => {
    const d = req.body as TaskDraft
    if (!deps.catalog.item(d.sku)) throw new EdgeError(Errors.NOT_FOUND, `item "${d.sku}" is not in the item master`)
    for (const loc of [d.location, d.fromLocation]) {
      if (loc !== undefined && loc !== null && !deps.catalog.location(loc)) throw new EdgeError(Errors.NOT_FOUND, `location "${loc}" is not known`)
    }
    if (d.qty !== undefined && d.qty !== null && d.qty > deps.config.maxQty) throw new EdgeError(Errors.BAD_QTY, `qty ${d.qty} is over the limit of ${deps.config.maxQty}`)
    if (d.kind === 'fill' && (d.fromLocation === undefined || d.qty === undefined)) {
      throw new EdgeError(Errors.VALIDATION, 'a fill needs fromLocation (the backroom bin) and qty')
    }
    const draft: TaskDraft = { ...d, why: d.why ?? { rule: 'manual' } }
    const out = LIVE_UNIQUE_KINDS.has(d.kind) ? deps.tasks.store.upsertLive(draft) : { task: deps.tasks.store.create(draft), created: true }
    deps.tasks.store.audit('admin', out.created ? 'task.create' : 'task.update', out.task.id, { kind: d.kind, sku: d.sku, location: d.location })
    reply.status(201)
    return out
  })

  app.post('/api/v1/tasks/:id/cancel', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      summary: 'Cancel a task that is no longer needed (admin), with the reason',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
      response: { 200: { type: 'object', properties: { task: taskSchema } }, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: number }
    const task = deps.tasks.store.cancel(id, (req.body as { reason: string }).reason)
    deps.tasks.store.audit(actorOf(req), 'task.cancel', id, { reason: task.cancelReason })
    return { task }
  })

  app.post('/api/v1/tasks/:id/reassign', {
    onRequest: admin,
    schema: {
      tags: ['tasks'],
      summary: 'Hand a live task to another associate, or back to the pool (to: null), with the reason (manager)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'reason'],
        properties: { to: { type: ['string', 'null'], minLength: 1, maxLength: 64, description: 'an active associate id, or null for the pool' }, reason: { type: 'string', minLength: 1, maxLength: 500 } }
      },
      response: { 200: { type: 'object', properties: { task: taskSchema } }, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: number }
    const { to, reason } = req.body as { to: string | null, reason: string }
    if (to !== null) {
      const a = deps.associates.get(to)
      if (a === undefined || !a.active) throw new EdgeError(Errors.VALIDATION, `"${to}" is not an active associate`)
    }
    const before = deps.tasks.store.must(id)
    const task = deps.tasks.store.reassign(id, to)
    deps.tasks.store.audit(actorOf(req), 'task.reassign', id, { from: before.assignee, to, reason })
    return { task }
  })

  app.post('/api/v1/tasks/:id/review', {
    config: { access: 'manager' },
    onRequest: [admin, async () => { if (deps.draining()) throw new EdgeError(Errors.UNAVAILABLE, 'the server is shutting down; retry shortly') }],
    schema: {
      tags: ['tasks'],
      summary: 'Decide a receiving review on the panel (manager): accept the receipt as scanned, or recount with the counts; with the reason',
      description: 'Completes the review as a handheld would: a recount\'s counts are posted as cycle counts (the record corrected, the ERP told of the adjustment), the discrepancy is resolved with the decision, and the audit log names who decided and why. A review an associate holds may still be decided; their handheld\'s later completion gets a conflict naming the manager. ' +
        '404 EDGE_ERR_TASK_UNKNOWN; 422 EDGE_ERR_TASK_KIND (not a review); 409 EDGE_ERR_TASK_STATE (done or cancelled already), EDGE_ERR_TASK_CONFLICT (changed since `version` was read); 422 EDGE_ERR_REVIEW_DECISION (a recount without counts, an accept with counts), EDGE_ERR_BAD_QTY, EDGE_ERR_UNKNOWN_LOCATION, EDGE_ERR_BAD_EVENT (a location counted twice); 403 EDGE_ERR_ROLE_FORBIDDEN for a viewer.',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['decision', 'reason'],
        properties: {
          decision: { type: 'string', enum: [...REVIEW_DECISIONS], description: 'accept: the receipt stands as scanned; recount: post the counts' },
          counts: {
            type: 'array',
            maxItems: 20,
            description: 'a recount: units counted at each location',
            items: { type: 'object', additionalProperties: false, required: ['location', 'qty'], properties: { location: { type: 'string', minLength: 1, maxLength: 64 }, qty: { type: 'integer', minimum: 0 } } }
          },
          reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S', description: 'why (required; kept on the task and in the audit log)' },
          version: { type: 'integer', minimum: 1, description: 'the version read: a task changed since answers 409 EDGE_ERR_TASK_CONFLICT' }
        }
      },
      response: { 200: { type: 'object', properties: { task: taskSchema } }, ...errorResponses }
    }
  }, async (req) => {
    const { id } = req.params as { id: number }
    const body = req.body as Omit<ReviewDecision, 'taskId' | 'by'>
    return { task: await deps.tasks.decideReview({ ...body, taskId: id, by: actorOf(req) }) }
  })
}
