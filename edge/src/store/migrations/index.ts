// Every migration, in order. A new schema change is a new file here; never edit an applied one.
import * as m001 from './001-initial.js'
import * as m002 from './002-lean-event-indexes.js'
import * as m003 from './003-master-data-version.js'
import * as m004 from './004-shelf-risk.js'
import * as m005 from './005-tasks.js'
import * as m006 from './006-outbox.js'
import * as m007 from './007-phantom.js'
import * as m008 from './008-receiving.js'
import * as m009 from './009-orders.js'
import * as m010 from './010-governance.js'
import * as m011 from './011-forecast-log.js'
import * as m012 from './012-outbox-acked.js'
import * as m013 from './013-accounts.js'
import * as m014 from './014-risk-history.js'
import * as m015 from './015-outbox-lean.js'
import * as m016 from './016-device-battery.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m015, m016]
