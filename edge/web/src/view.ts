// What every page of the panel is: a title, its element, the live topics it follows, and a refresh
// that refetches what it shows (called on entry and on each notice of those topics).

import type { Topic } from './live.js'

export interface Session { username: string, displayName: string, role: 'manager' | 'viewer', expiresAt: string }

export interface Ctx {
  session: Session
  params: Record<string, string>
  navigate: (hash: string) => void
  toast: (message: string, tone?: 'ok' | 'bad') => void
}

export interface View {
  title: string
  el: HTMLElement
  topics: Topic[]
  refresh: () => Promise<void>
  dispose?: () => void
}

export const isManager = (ctx: Ctx): boolean => ctx.session.role === 'manager'
