// Modal forms on the native <dialog>: focus moves into it (the first field), Esc closes it, and
// the focus goes back to the control that opened it (the same control redrawn, when a live update
// replaced it meanwhile). Resolves with the form's fields, or null when cancelled.

import { h, type Child } from './dom.js'
import { findByKey, focusKey } from './focus.js'

/** Shows `dialog` as a modal; the returned function closes and removes it and puts the focus back where it was. */
function openModal (dialog: HTMLDialogElement): () => void {
  const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null
  const key = opener === null ? null : focusKey(opener)
  document.body.append(dialog)
  dialog.showModal()
  return () => {
    dialog.close()
    dialog.remove()
    const back = opener?.isConnected === true ? opener : findByKey(key)
    back?.focus()
  }
}

export interface Field { name: string, label: string, type?: 'text' | 'number' | 'textarea' | 'select', required?: boolean, value?: string, options?: Array<{ value: string, label: string }>, min?: number, step?: number, hint?: string }

export function formDialog (title: string, intro: Child, fields: Field[], submitLabel: string, tone: 'primary' | 'danger' = 'primary'): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const inputs = fields.map((f) => {
      const id = `f-${f.name}`
      const common = { id, name: f.name, required: f.required === true }
      const control = f.type === 'textarea'
        ? h('textarea', { ...common, rows: 3 }, f.value ?? '')
        : f.type === 'select'
          ? h('select', common, ...(f.options ?? []).map((o) => h('option', { value: o.value, selected: o.value === f.value }, o.label)))
          : h('input', { ...common, type: f.type ?? 'text', value: f.value ?? null, min: f.min ?? null, step: f.step ?? null })
      return h('label.field', { for: id }, h('span', {}, f.label), control, f.hint !== undefined ? h('small', {}, f.hint) : null)
    })
    const dialog = h('dialog.modal', { 'aria-labelledby': 'dlg-title' }) as HTMLDialogElement
    let shut = (): void => {}
    const close = (v: Record<string, string> | null): void => { shut(); resolve(v) }
    const form = h('form', {
      method: 'dialog',
      onsubmit: (e: Event) => {
        e.preventDefault()
        const data = new FormData(e.target as HTMLFormElement)
        close(Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)])))
      }
    },
    h('h2', { id: 'dlg-title' }, title),
    h('div.intro', {}, intro),
    ...inputs,
    h('div.actions', {},
      h('button.ghost', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h(`button.${tone}`, { type: 'submit' }, submitLabel)))
    dialog.append(form)
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(null) })
    shut = openModal(dialog)
    ;(dialog.querySelector('input, textarea, select') as HTMLElement | null)?.focus()
  })
}

/** Shows a secret once, with a copy button; resolves when closed. */
export function secretDialog (title: string, lines: Child[], secret: string): Promise<void> {
  return new Promise((resolve) => {
    const dialog = h('dialog.modal', { 'aria-labelledby': 'dlg-title' }) as HTMLDialogElement
    let shut = (): void => {}
    const done = (): void => { shut(); resolve() }
    dialog.append(h('div', {},
      h('h2', { id: 'dlg-title' }, title),
      h('div.intro', {}, lines),
      h('code.secret', { 'data-testid': 'secret' }, secret),
      h('div.actions', {},
        h('button.ghost', { type: 'button', onclick: () => { void navigator.clipboard?.writeText(secret) } }, 'Copy'),
        h('button.primary', { type: 'button', onclick: done }, 'I have saved it'))))
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done() })
    shut = openModal(dialog)
  })
}
