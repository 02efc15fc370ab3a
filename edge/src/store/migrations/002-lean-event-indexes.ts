// Every index on the journal is paid on every event: at full load each costs ~2 microseconds an
// insert on this class of machine. Events are read by SKU (item history) and in sequence (paging,
// the outbox); by type and by time they are read rarely enough for a scan of a seq range.

export const version = 2
export const name = 'lean-event-indexes'
export const sql = `
DROP INDEX IF EXISTS events_type;
DROP INDEX IF EXISTS events_occurred;
`
