#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../acls_vf_arrest.yaml (run from anywhere:
`python3 scenarios/runs/acls_runs.py`). Every run follows one timeline - recognition, CPR,
shock / 2 minutes of CPR / rhythm check cycles, rescue breaths 30:2 (two breaths about every 18 s)
- and differs from the textbook run in the one mistake it demonstrates. The scenario's seed fixes
the defibrillation draws: with seed 634 the first three shocks fail under any care and the fourth
converts when CPR and drugs kept the heart shockable (see the model_runs descriptions)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def mmss(t):
    m, s = divmod(int(round(t)), 60)
    return f"{m}:{s:02d}"


def timeline(cpr=True, shocks=True, first_shock=65, early_epi=None, pause=None, jump_asystole_after=None,
             drugs=True, rosc_check_after=4, end=1200):
    ev = []

    def at(t, what):
        ev.append((t, len(ev), what))

    at(3, "check_responsiveness")
    at(5, "call_for_help          who=arrest_team")
    at(6, "open_airway            method=head_tilt_chin_lift")
    at(8, "check_pulse            site=carotid duration=7s")
    if cpr:
        at(15, "start_cpr              rate=110/min depth=55mm")
    at(40, "attach_pads            position=anterolateral")
    at(45, "oxygen                 device=bvm flow=15L/min")
    at(75, "iv_access              site=antecubital gauge=18G")
    t = first_shock
    cycle = 0
    epi_from = early_epi if early_epi is not None else 90 if drugs and not shocks else None
    while t < end:
        cycle += 1
        if rosc_check_after is not None and cycle == rosc_check_after + 1:
            # the rhythm check after the converting shock: organised rhythm, then a pulse
            if cpr:
                at(t - 3, "stop_cpr")
            at(t - 2, "analyse_rhythm")
            at(t, "check_pulse            site=carotid duration=6s")
            break
        if jump_asystole_after is not None and cycle == jump_asystole_after + 1:
            at(t - 30, "instructor_jump        to=non_shockable")
        if cpr and shocks:
            at(t - 5, "charge                 energy=200J")
        if cpr:
            at(t - 3, "stop_cpr")
        at(t - 2, "analyse_rhythm")
        if shocks:
            at(t, "shock                  energy=200J")
        if cpr:
            resume = t + 2
            if pause is not None and cycle == pause:
                at(t + 2, "check_pulse            site=carotid duration=10s")
                resume = t + 15
            at(resume, "start_cpr              rate=110/min depth=55mm")
        if drugs and shocks and cycle == 2 and early_epi is None:
            epi_from = t + 20  # epinephrine after the 2nd shock, then every 190 s (3-5 min)
        if drugs and shocks and cycle == 3:
            at(t + 30, "give_drug              drug=amiodarone dose=300mg route=IV")
        t += 120
    stop = ev[-1][0] if ev else end
    e = epi_from
    while e is not None and e < stop - 20:
        at(e, "give_drug              drug=epinephrine dose=1mg route=IV")
        e += 190
    b = 20
    while b < min(stop, end):
        at(b, "give_breaths           count=2 device=bvm")
        b += 18
    ev.sort()
    return ev


def write(name, header, ev):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# Model run for ../acls_vf_arrest.yaml, written by acls_runs.py: " + header + "\n")
        f.write("# time  action                 parameters\n")
        for t, _, what in ev:
            f.write(f"{mmss(t):<7}{what}\n")


if __name__ == "__main__":
    write("acls_textbook.actions", "the textbook resuscitation.", timeline())
    write("acls_late_first_shock.actions", "the first shock comes 2:22 after recognition.",
          timeline(first_shock=150))
    write("acls_early_epinephrine.actions", "epinephrine right after the first shock.",
          timeline(early_epi=90))
    write("acls_long_pause.actions", "a 10 s pulse check after the 2nd shock: an 18 s pause.",
          timeline(pause=2))
    write("acls_shocks_asystole.actions", "the rhythm turns to asystole after the 2nd shock; it is shocked.",
          timeline(jump_asystole_after=2, rosc_check_after=None, end=310))
    write("acls_no_cpr.actions", "shocks and drugs but no compressions.",
          timeline(cpr=False, rosc_check_after=None, end=790))
    write("acls_no_shocks.actions", "CPR and epinephrine but no defibrillation.",
          timeline(shocks=False, rosc_check_after=None, end=790))
