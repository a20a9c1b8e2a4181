#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../acls_vf_arrest.yaml (run from anywhere:
`python3 scenarios/runs/acls_runs.py`). Every run follows one timeline - recognition, CPR,
anticipatory charging, "stand clear", shock / 2 minutes of CPR / rhythm check cycles, rescue breaths
30:2 (two breaths about every 18 s) - and differs from the textbook run in the one mistake (or the one
accepted variation) it demonstrates. The scenario's seed fixes the defibrillation draws: with seed 634
the first three shocks fail under any care and the fourth converts when CPR and drugs kept the heart
shockable (see the model_runs descriptions)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD_CPR = "rate=110/min depth=55mm"


def mmss(t):
    m, s = divmod(int(round(t)), 60)
    return f"{m}:{s:02d}"


def timeline(cpr=True, shocks=True, first_shock=65, early_epi=None, pause=None, jump_asystole_after=None,
             drugs=True, rosc_check_after=4, end=1200, stand_clear=True, hands_off=True, resume=GOOD_CPR,
             energy="200J", first_energy=None, pads="anterolateral", sync_first=False, epi_every=190,
             antiarrhythmic="amiodarone dose=300mg", anti_cycle=3, epi_cycle=2, access="iv",
             breaths=True, pulse_check=7, cpr_at=15, pads_after=None):
    ev = []

    def at(t, what):
        ev.append((t, len(ev), what))

    at(3, "check_responsiveness")
    at(5, "call_for_help          who=arrest_team")
    at(6, "open_airway            method=head_tilt_chin_lift")
    at(8, f"check_pulse            site=carotid duration={pulse_check}s")
    if cpr:
        at(cpr_at, f"start_cpr              {GOOD_CPR}")
    if pads:
        at(40, f"attach_pads            position={pads}")
    at(45, "oxygen                 device=bvm flow=15L/min")
    if access == "iv":
        at(75, "iv_access              site=antecubital gauge=18G")
    else:
        at(75, "io_access              site=proximal_humerus")
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
        if pads_after is not None and cycle == pads_after + 1:
            at(t - 20, f"attach_pads            position=anteroposterior")
        e = first_energy if cycle == 1 and first_energy else energy
        if cpr and shocks:
            at(t - 5, f"charge                 energy={e}")
        if cpr and hands_off:
            at(t - 3, "stand_clear" if stand_clear else "stop_cpr")
        at(t - 2, "analyse_rhythm")
        if shocks:
            sync = " synchronised=yes" if sync_first and cycle == 1 else ""
            at(t, f"shock                  energy={e}{sync}")
        if cpr:
            after = t + 2
            if pause is not None and cycle == pause:
                at(t + 2, "check_pulse            site=carotid duration=10s")
                after = t + 15
            at(after, f"start_cpr              {resume if cycle >= 1 else GOOD_CPR}")
        if drugs and shocks and cycle == epi_cycle and early_epi is None:
            epi_from = t + 20  # epinephrine after the 2nd shock (AHA; ERC: 3rd), then every 190 s (3-5 min)
        if drugs and shocks and antiarrhythmic and cycle == anti_cycle:
            at(t + 30, f"give_drug              drug={antiarrhythmic} route={'IV' if access == 'iv' else 'IO'}")
        t += 120
    stop = ev[-1][0] if ev else end
    e = epi_from
    while e is not None and e < stop - 20:
        at(e, f"give_drug              drug=epinephrine dose=1mg route={'IV' if access == 'iv' else 'IO'}")
        e += epi_every
    if breaths:
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


RUNS = [
    # correct runs
    ("acls_textbook.actions", "the textbook resuscitation.", {}),
    ("acls_erc_timing.actions", "ERC 2021/2025 timing: epinephrine and amiodarone after the 3rd shock.",
     dict(epi_cycle=3)),
    ("acls_lidocaine.actions", "lidocaine 100 mg (1.2 mg/kg) instead of amiodarone.",
     dict(antiarrhythmic="lidocaine dose=100mg")),
    ("acls_io_access.actions", "intraosseous access instead of IV, drugs IO.", dict(access="io")),
    ("acls_full_pulse_check.actions", "a full 10 s pulse check, compressions 7 s after it ends.",
     dict(pulse_check=10, cpr_at=25)),
    ("acls_vector_change.actions", "pads moved anteroposterior after three failed shocks (DOSE-VF).",
     dict(pads_after=3)),
    # classic mistakes
    ("acls_late_first_shock.actions", "the first shock comes 2:22 after recognition.", dict(first_shock=150)),
    ("acls_early_epinephrine.actions", "epinephrine right after the first shock.", dict(early_epi=90)),
    ("acls_long_pause.actions", "a 10 s pulse check after the 2nd shock: an 18 s pause.", dict(pause=2)),
    ("acls_shocks_asystole.actions", "the rhythm turns to asystole after the 2nd shock; it is shocked.",
     dict(jump_asystole_after=2, rosc_check_after=None, end=310)),
    ("acls_no_cpr.actions", "shocks and drugs but no compressions.", dict(cpr=False, rosc_check_after=None, end=790)),
    ("acls_no_shocks.actions", "CPR and epinephrine but no defibrillation.",
     dict(shocks=False, rosc_check_after=None, end=790)),
    ("acls_hands_on.actions", "shocks while compressions go on (no stand clear, hands on the chest).",
     dict(hands_off=False)),
    ("acls_no_stand_clear.actions", "compressions stopped, but no \"stand clear\" before any shock.",
     dict(stand_clear=False)),
    ("acls_fast_shallow.actions", "compressions resumed at 140 /min and 3 cm after every shock.",
     dict(resume="rate=140/min depth=30mm")),
    ("acls_amiodarone_150.actions", "amiodarone 150 mg (the second dose) as the first dose.",
     dict(antiarrhythmic="amiodarone dose=150mg")),
    ("acls_lidocaine_330.actions", "lidocaine 330 mg (4 mg/kg) as the antiarrhythmic.",
     dict(antiarrhythmic="lidocaine dose=330mg")),
    ("acls_early_amiodarone.actions", "amiodarone after the 2nd shock.", dict(anti_cycle=2)),
    ("acls_no_pads.actions", "the shock button pressed with no pads attached.", dict(pads=None, rosc_check_after=None, end=430)),
    ("acls_synchronised.actions", "the first shock in synchronised mode: VF has no R wave, nothing is delivered.",
     dict(sync_first=True)),
    ("acls_low_energy.actions", "first shock at 120 J on a defibrillator specified for 150-200 J.",
     dict(first_energy="120J")),
    ("acls_epinephrine_every_2_min.actions", "epinephrine repeated every 2 minutes.", dict(epi_every=120)),
    ("acls_no_breaths.actions", "compressions only: no breaths in 30:2.", dict(breaths=False)),
    ("acls_long_pulse_check.actions", "a 15 s pulse check before compressions start.", dict(pulse_check=15, cpr_at=25)),
]

if __name__ == "__main__":
    for name, header, kw in RUNS:
        write(name, header, timeline(**kw))
