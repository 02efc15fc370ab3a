// The sign-in form: user name and password; a wrong one says so and keeps the name.

import { ApiError, post } from './api.js'
import { h } from './dom.js'
import type { Session } from './view.js'

export function signInForm (onSignedIn: (s: Session) => void): HTMLElement {
  const error = h('p.alert', { role: 'alert', hidden: true })
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true }) as HTMLInputElement
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }) as HTMLInputElement
  const button = h('button.primary.wide', { type: 'submit' }, 'Sign in') as HTMLButtonElement
  const form = h('form.signin', {
    onsubmit: (e: Event) => {
      e.preventDefault()
      button.disabled = true
      error.hidden = true
      post<{ session: Session }>('/api/v1/session', { username: user.value.trim(), password: pass.value })
        .then((r) => onSignedIn(r.session))
        .catch((err: unknown) => {
          error.textContent = err instanceof ApiError && err.code === 'EDGE_ERR_SIGN_IN_FAILED' ? 'Wrong user name or password.' : (err as Error).message
          error.hidden = false
          pass.value = ''
          pass.focus()
        })
        .finally(() => { button.disabled = false })
    }
  },
  h('div.brand.big', {}, h('span.logo', { 'aria-hidden': 'true' }, '▣'), ' store-edge'),
  h('h1', {}, 'Sign in to the store panel'),
  h('label.field', { for: 'username' }, h('span', {}, 'User name'), user),
  h('label.field', { for: 'password' }, h('span', {}, 'Password'), pass),
  error,
  button)
  return h('main.center', { id: 'main', tabindex: -1 }, form)
}
