#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../paediatric_vf_arrest.yaml (run from anywhere:
`python3 scenarios/runs/paeds_runs.py`). Every run follows one timeline - the AHA PALS / ERC paediatric
algorithm for a shockable arrest in a 20 kg child with two rescuers: responsiveness, help, airway,
pulse check, compressions at 100-120 /min and 5 cm with two breaths after every 15 (about every 11 s),
pads, oxygen, IO access, charge - "stand clear" - shock (2 J/kg first, 4 J/kg after), 2 minutes of CPR
between rhythm checks, epinephrine 10 mcg/kg after the 2nd shock and every 3-5 minutes, amiodarone
5 mg/kg after the 3rd - and differs from the textbook run in the one mistake (or the one accepted
variation) it demonstrates. The scenario's seed fixes the defibrillation draws (see its header)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runlib  # noqa: E402

GOOD = "rate=110/min depth=50mm"


def timeline(first_energy="40J", energy="80J", first_shock=55, cpr=GOOD, breath_gap=11, epi="dose=0.2mg",
             epi_cycle=2, epi_at=None, anti="drug=amiodarone dose=100mg", anti_cycle=3, access="io",
             converts=4, cycles=120):
    tl = runlib.Timeline()
    route = "IO" if access == "io" else "IV"
    tl.at(3, "check_responsiveness")
    tl.at(5, "call_for_help          who=arrest_team")
    tl.at(6, "open_airway            method=head_tilt_chin_lift")
    tl.at(8, "check_pulse            site=carotid duration=7s")
    tl.at(15, f"start_cpr              {GOOD}")
    tl.at(30, "attach_pads            position=anterolateral")
    tl.at(35, "oxygen                 device=bvm flow=15L/min")
    tl.at(70, "io_access              site=proximal_tibia" if access == "io"
          else "iv_access              site=antecubital gauge=22G")
    t, cycle, end = first_shock, 0, None
    while True:
        cycle += 1
        tl.at(t - 3, "stand_clear")
        tl.at(t - 2, "analyse_rhythm")
        if cycle == converts + 1:
            # the rhythm check after the converting shock: an organised rhythm, then a pulse
            tl.at(t, "check_pulse            site=carotid duration=6s")
            end = t
            break
        e = first_energy if cycle == 1 else energy
        tl.at(t - 5, f"charge                 energy={e}")
        tl.at(t, f"shock                  energy={e}")
        tl.at(t + 2, f"start_cpr              {cpr}")
        if epi and cycle == epi_cycle and epi_at is None:
            epi_at = t + 20
        if anti and cycle == anti_cycle:
            tl.at(t + 30, f"give_drug              {anti} route={route}")
        t += cycles
    while epi and epi_at is not None and epi_at < end - 20:
        tl.at(epi_at, f"give_drug              drug=epinephrine {epi} route={route}")
        epi_at += 190
    b = 15 + breath_gap
    while b < end - 5:
        tl.at(b, "give_breaths           count=2 device=bvm")
        b += breath_gap
    return tl


RUNS = [
    # correct runs
    ("paeds_textbook.actions", "the textbook resuscitation (AHA PALS: 2 J/kg, then 4 J/kg).", {}),
    ("paeds_erc.actions", "ERC 2021: 4 J/kg for every shock; epinephrine and amiodarone after the 3rd shock.",
     dict(first_energy="80J", epi_cycle=3)),
    ("paeds_lidocaine.actions", "lidocaine 1 mg/kg (20 mg) instead of amiodarone.",
     dict(anti="drug=lidocaine dose=20mg")),
    ("paeds_iv.actions", "IV access instead of IO.", dict(access="iv")),
    # classic mistakes
    ("paeds_adult_energy.actions", "the adult energy, 200 J (10 J/kg), for the first shock.", dict(first_energy="200J")),
    ("paeds_adult_epinephrine.actions", "the adult dose of epinephrine, 1 mg (50 mcg/kg).", dict(epi="dose=1mg")),
    ("paeds_adult_amiodarone.actions", "the adult dose of amiodarone, 300 mg (15 mg/kg).",
     dict(anti="drug=amiodarone dose=300mg")),
    ("paeds_30_2.actions", "30:2 (the lone rescuer's ratio) with two rescuers: breaths every 18 s.", dict(breath_gap=18)),
    ("paeds_shallow.actions", "compressions 3 cm deep after every shock (too gentle).",
     dict(cpr="rate=110/min depth=30mm")),
    ("paeds_late_shock.actions", "the first shock at 2:40, 2:25 after recognition.", dict(first_shock=160)),
    ("paeds_early_epinephrine.actions", "epinephrine right after the first shock.", dict(epi_at=75)),
]

if __name__ == "__main__":
    runlib.main(HERE, "paediatric_vf_arrest.yaml", "paeds_runs.py", RUNS, timeline)
