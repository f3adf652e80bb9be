/**
 * Header carried by every message the settings checks send (the round-trip probe and the outgoing test
 * message). Ingestion skips messages that carry it: a settings check never becomes a ticket.
 */
export const VERIFY_PROBE_HEADER = 'X-Helpdesk-Verify';
