#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../hypoglycaemia.yaml (run from anywhere:
`python3 scenarios/runs/hypo_runs.py`). Every run follows one timeline - the JBDS hospital guideline for
an adult who cannot swallow safely: responsiveness, breathing, help, a capillary glucose first, IV
access, IV glucose 10 % 150 mL (or glucagon 1 mg IM without access), reassessment, the recheck 10-15
minutes later, a carbohydrate by mouth once he is awake, and a last check - and differs from the
textbook run in the one mistake (or the one accepted variation) it demonstrates."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runlib  # noqa: E402

D10 = "drug=dextrose concentration=10% volume=150mL route=IV"


def timeline(first_check=30, access=60, treat=((90, D10),), rechecks=(780, 1800), oral=840, extra=()):
    tl = runlib.Timeline()
    tl.at(5, "check_responsiveness")
    tl.at(10, "check_breathing        duration=6s")
    tl.at(15, "call_for_help          who=team")
    tl.at(first_check, "check_glucose")
    tl.at(access, "iv_access              site=antecubital gauge=20G")
    for t, how in treat:
        tl.at(t, f"give_drug              {how}")
    tl.at(240, "reassess               what=response")
    for t in rechecks:
        tl.at(t, "check_glucose")
    tl.at(oral, "give_drug              drug=glucose dose=20g route=PO")
    for t, line in extra:
        tl.at(t, line)
    return tl


GLUCAGON = "drug=glucagon dose=1mg route=IM site=anterolateral_thigh"
RUNS = [
    # correct runs
    ("hypo_textbook.actions", "the textbook care: glucose first, 10 % 150 mL IV, recheck, oral carbohydrate.", {}),
    ("hypo_glucagon.actions", "no IV access: glucagon 1 mg IM, oral glucose once awake.",
     dict(access=None, treat=((90, GLUCAGON),), rechecks=(780, 1500), oral=810)),
    ("hypo_dextrose_20.actions", "glucose 20 % 100 mL IV.",
     dict(treat=((90, "drug=dextrose concentration=20% volume=100mL route=IV"),))),
    ("hypo_dextrose_200.actions", "glucose 10 % 200 mL IV.",
     dict(treat=((90, "drug=dextrose concentration=10% volume=200mL route=IV"),))),
    # classic mistakes
    ("hypo_treat_before_check.actions", "IV glucose before any glucose measurement.",
     dict(first_check=150)),
    ("hypo_dextrose_50.actions", "glucose 50 % 50 mL IV (no longer recommended).",
     dict(treat=((90, "drug=dextrose concentration=50% volume=50mL route=IV"),))),
    ("hypo_oral_drowsy.actions", "oral glucose gel to a drowsy patient, then IV glucose.",
     dict(treat=((50, "drug=glucose dose=20g route=PO"), (90, D10)))),
    ("hypo_no_recheck.actions", "no glucose recheck after the treatment.", dict(rechecks=())),
    ("hypo_no_snack.actions", "no carbohydrate by mouth: the insulin brings the glucose down again.",
     dict(oral=None, rechecks=(780, 2520))),
    ("hypo_early_recheck.actions", "one recheck 2 minutes after the glucose, none later.", dict(rechecks=(210,))),
    ("hypo_too_little.actions", "glucose 10 % 50 mL (5 g): a third of the dose.",
     dict(treat=((90, "drug=dextrose concentration=10% volume=50mL route=IV"),), oral=None)),
]

if __name__ == "__main__":
    runlib.main(HERE, "hypoglycaemia.yaml", "hypo_runs.py", RUNS, timeline)
