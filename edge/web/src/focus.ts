// Keyboard focus survives redraws. Pages redraw their lists when the server says their data changed
// (and after a decision), which removes the focused control: a keyboard user would be dropped on
// <body> and their next Tab would start again at the top of the page. A control is known by what it
// is (the row or card it belongs to, found by its data-*-id, and its tag and label), so the same
// control in the redrawn page takes the focus back; when its row has left (a decided approval), the
// page's main region does, and Tab goes on from the content.

/** Attributes that name the row or card a control belongs to, nearest first. */
const HOLDERS = ['data-task-id', 'data-proposal-id', 'data-device-id', 'data-sku', 'id']

export interface FocusKey { attr: string, value: string, tag: string, label: string, self: boolean }

const labelOf = (el: Element): string => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 120)

/** What a control is, to find it again after a redraw; null when nothing around it names it. */
export function focusKey (el: Element): FocusKey | null {
  for (let at: Element | null = el; at !== null; at = at.parentElement) {
    const attr = HOLDERS.find((a) => at!.hasAttribute(a))
    if (attr !== undefined) return { attr, value: at.getAttribute(attr)!, tag: el.tagName, label: labelOf(el), self: at === el }
  }
  return null
}

/** The control `key` names, as the document has it now (within `root`); null when it is gone. */
export function findByKey (key: FocusKey | null, root: ParentNode = document): HTMLElement | null {
  if (key === null) return null
  for (const holder of root.querySelectorAll(`[${key.attr}="${CSS.escape(key.value)}"]`)) {
    if (key.self) { if (holder.tagName === key.tag) return holder as HTMLElement; continue }
    for (const el of holder.getElementsByTagName(key.tag)) if (labelOf(el) === key.label) return el as HTMLElement
  }
  return null
}

/**
 * Watches `root` (the page's main region, focusable with tabindex -1): when a redraw removes the
 * control focused last inside it and the focus fell to <body>, the same control gets it back, or
 * `root` does. Focus inside a dialog leaves the remembered control alone (the dialog's opener).
 * Returns a stop (the shell is rebuilt at each sign-in).
 */
export function keepFocus (root: HTMLElement): () => void {
  let last: { el: Element, key: FocusKey | null } | null = null
  const onFocus = (e: FocusEvent): void => {
    const el = e.target as Element
    if (el.closest('dialog') !== null) return
    last = el !== root && root.contains(el) ? { el, key: focusKey(el) } : null
  }
  document.addEventListener('focusin', onFocus)
  const watch = new MutationObserver(() => {
    if (last === null || last.el.isConnected) return
    const active = document.activeElement
    if (active !== null && active !== document.body) return
    const again = findByKey(last.key, root) ?? root
    last = null
    again.focus({ preventScroll: true })
  })
  watch.observe(root, { childList: true, subtree: true })
  return () => { document.removeEventListener('focusin', onFocus); watch.disconnect() }
}
