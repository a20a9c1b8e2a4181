#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../haemorrhagic_shock.yaml (run from anywhere:
`python3 scenarios/runs/haemorrhage_runs.py`). Every run follows one timeline - the ATLS primary survey
of a bleeding trauma patient: trauma team and surgeon, high-flow oxygen, pulse, two large-bore
cannulae, blood for crossmatch, tranexamic acid 1 g within 3 hours of the injury, a limited crystalloid
bolus, red cells and plasma early, a FAST scan, permissive hypotension, and handover to theatre for
haemorrhage control - and differs from the textbook run in the one mistake (or the one accepted
variation) it demonstrates."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runlib  # noqa: E402

BLOOD = ((300, "fluid=blood volume=300mL"), (390, "fluid=plasma volume=300mL"),
         (480, "fluid=blood volume=300mL"), (570, "fluid=plasma volume=300mL"))


def timeline(lines=(("iv_access", "site=antecubital gauge=14G"), ("iv_access", "site=antecubital gauge=14G")),
             crossmatch=True, txa=240, crystalloid=((150, "fluid=crystalloid volume=500mL"),), blood=BLOOD,
             surgeon=True, handover="theatre", extra=()):
    tl = runlib.Timeline()
    tl.at(10, "call_for_help          who=team")
    tl.at(20, "oxygen                 device=non_rebreather flow=15L/min")
    tl.at(30, "check_pulse            site=radial duration=5s")
    for i, (act, how) in enumerate(lines):
        tl.at(60 + 30 * i, f"{act:<23}{how}")
    if crossmatch:
        tl.at(75, "order_test             test=crossmatch")
    tl.at(80, "order_test             test=coagulation")
    if surgeon:
        tl.at(100, "call_for_help          who=surgeon")
    for t, how in crystalloid:
        tl.at(t, f"fluid_bolus            {how}")
    tl.at(txa, "give_drug              drug=tranexamic_acid dose=1g route=IV")
    for t, how in blood:
        tl.at(t, f"fluid_bolus            {how}")
    tl.at(420, "order_test             test=fast_ultrasound")
    tl.at(660, "reassess               what=circulation")
    for t, line in extra:
        tl.at(t, line)
    if handover:
        tl.at(780, f"handover               to={handover}")
    return tl


RUNS = [
    # correct runs
    ("haemorrhage_textbook.actions",
     "the textbook care: 500 mL crystalloid, TXA, red cells and plasma 1:1, theatre.", {}),
    ("haemorrhage_io.actions", "a humeral IO line when the second cannula fails.",
     dict(lines=(("iv_access", "site=antecubital gauge=14G"), ("io_access", "site=proximal_humerus")))),
    ("haemorrhage_blood_first.actions", "no crystalloid at all: blood from the start.",
     dict(crystalloid=(), blood=((150, "fluid=blood volume=300mL"),) + BLOOD)),
    # classic mistakes
    ("haemorrhage_crystalloid.actions", "3 litres of crystalloid and no blood.",
     dict(crystalloid=((150, "fluid=crystalloid volume=1000mL"), (330, "fluid=crystalloid volume=1000mL"),
                       (510, "fluid=crystalloid volume=1000mL")), blood=())),
    ("haemorrhage_no_txa.actions", "no tranexamic acid.", dict(txa=None)),
    ("haemorrhage_late_txa.actions", "tranexamic acid at 25 minutes, past 3 hours from the injury.",
     dict(txa=1500, handover=None, extra=((1560, "handover               to=theatre"),))),
    ("haemorrhage_small_cannula.actions", "one 20 G cannula in the hand.",
     dict(lines=(("iv_access", "site=hand gauge=20G"),))),
    ("haemorrhage_no_crossmatch.actions", "no blood sent for crossmatch.", dict(crossmatch=False)),
    ("haemorrhage_normotension.actions", "boluses pushed until the pressure is normal.",
     dict(extra=((690, "fluid_bolus            fluid=blood volume=300mL"),
                 (720, "fluid_bolus            fluid=crystalloid volume=500mL")))),
    ("haemorrhage_icu.actions", "no surgeon: handed over to intensive care instead of theatre.",
     dict(surgeon=False, handover="icu")),
]

if __name__ == "__main__":
    runlib.main(HERE, "haemorrhagic_shock.yaml", "haemorrhage_runs.py", RUNS, timeline)
