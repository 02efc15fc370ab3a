// The demo's panel sign-in: a manager account with a generated password, made through the store's
// accounts API with its admin token (as an integration or the installer would), shown once.

import { generatePassword } from '../../../edge/src/cli/accounts.js'
import type { StoreApi } from '../drive/api.js'

export const DEMO_MANAGER = 'manager'

export async function createManager (api: Pick<StoreApi, 'saveAccount'>): Promise<{ username: string, password: string }> {
  const password = generatePassword()
  await api.saveAccount({ username: DEMO_MANAGER, role: 'manager', password, displayName: 'Demo store manager' })
  return { username: DEMO_MANAGER, password }
}
