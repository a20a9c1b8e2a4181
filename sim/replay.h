/* Replaying a session record: the scenario kept in the record, run with the recorded actions through a
 * host, gives the session again (and so the same report). Used by `scrub report`, the fuzz target for
 * records and, later, the records store. */
#ifndef SCRUB_REPLAY_H
#define SCRUB_REPLAY_H

#include "record.h"
#include "report.h"
#include "session.h"

/* Loads the record's scenario (its text, checked against its sha256), runs the recorded actions and, for a
 * record cut short, stops at its last event (at least one step) and finishes it as incomplete. The
 * report's timeline is filled when `tl` is given. `display` names the record in messages. Returns
 * SCRUB_ERR_INVALID (with diagnostics) for a scenario that does not load or a damaged record. */
scrub_result record_replay(const record_data *rec, const char *display, scrub_diags *diags, report_timeline *tl,
                           scenario **out_scn, sim_session **out);

#endif
