// A device's last reported battery survives a restart (issue 8, devices page): the level, percent,
// and when it was reported (server clock, ISO). Written with the device's last-seen time, which the
// presence sweep already writes through the journal thread (ingest/presence.ts), so it costs no
// write of its own. NULL: never reported.

export const version = 16
export const name = 'device-battery'
export const sql = `
ALTER TABLE devices ADD COLUMN battery_pct INTEGER CHECK (battery_pct BETWEEN 0 AND 100);
ALTER TABLE devices ADD COLUMN battery_at TEXT;
`
