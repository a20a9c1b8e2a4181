#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../symptomatic_bradycardia.yaml (run from anywhere:
`python3 scenarios/runs/brady_runs.py`). Every run follows one timeline - the AHA/ERC bradycardia
algorithm for a patient with complete heart block and adverse features: pulse, help, monitor and
pacing pads, IV access, 12-lead ECG, atropine, reassessment, expert help, analgesia, transcutaneous
pacing with the current raised until it captures and mechanical capture confirmed, reassessment and
handover for transvenous pacing - and differs from the textbook run in the one mistake (or the one
accepted variation) it demonstrates."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runlib  # noqa: E402


def timeline(atropine=((80, "1mg"),), second="pace", currents=(60, 80), capture_check=True, expert="senior",
             analgesia=True, ecg_at=60, extra=(), handover="cath_lab", second_at=300):
    tl = runlib.Timeline()
    tl.at(10, "check_pulse            site=radial duration=5s")
    tl.at(20, "call_for_help          who=team")
    tl.at(40, "attach_pads            position=anteroposterior")
    tl.at(50, "iv_access              site=antecubital gauge=18G")
    tl.at(ecg_at, "order_test             test=ecg_12_lead")
    for t, dose in atropine:
        tl.at(t, f"give_drug              drug=atropine dose={dose} route=IV")
    tl.at(240, "reassess               what=circulation")
    tl.at(250 if expert else None, f"call_for_help          who={expert}")
    t = second_at
    if second == "pace":
        if analgesia:
            tl.at(t - 20, "give_drug              drug=fentanyl dose=50mcg route=IV")
        for i, ma in enumerate(currents):
            tl.at(t + 15 * i, f"pacing                 rate=70/min current={ma}mA")
        if capture_check:
            tl.at(t + 15 * len(currents) + 10, "check_capture")
    elif second:
        tl.at(t, f"start_infusion         {second}")
    for t_x, line in extra:
        tl.at(t_x, line)
    tl.at(second_at + 120, "reassess               what=vitals")
    if handover:
        tl.at(second_at + 240, f"handover               to={handover}")
    return tl


ATROPINE_ERC = ((80, "500mcg"), (260, "500mcg"))
RUNS = [
    # correct runs
    ("brady_textbook.actions", "the textbook care: atropine 1 mg, then pacing with capture.", {}),
    ("brady_erc_atropine.actions", "ERC 2021: atropine 500 mcg, repeated after 3 minutes, then pacing.",
     dict(atropine=ATROPINE_ERC)),
    ("brady_dopamine.actions", "a dopamine infusion of 10 mcg/kg/min instead of pacing.",
     dict(second="drug=dopamine rate_per_kg=10mcg/kg/min")),
    ("brady_epinephrine_infusion.actions", "an epinephrine infusion of 10 mcg/min instead of pacing.",
     dict(second="drug=epinephrine rate=10mcg/min")),
    # classic mistakes
    ("brady_small_atropine.actions", "atropine 0.3 mg twice (below 0.5 mg), then pacing.",
     dict(atropine=((80, "0.3mg"), (260, "0.3mg")))),
    ("brady_atropine_beyond_max.actions", "atropine 1 mg every 3 minutes past 3 mg, pacing only at 14 min.",
     dict(atropine=((80, "1mg"), (260, "1mg"), (440, "1mg"), (620, "1mg")), second_at=840)),
    ("brady_no_capture.actions", "pacing left at 40 mA, below the capture threshold.", dict(currents=(40,))),
    ("brady_no_capture_check.actions", "pacing at 80 mA without confirming mechanical capture.",
     dict(currents=(80,), capture_check=False)),
    ("brady_no_expert.actions", "no expert help for transvenous pacing.", dict(expert=None, handover="ward")),
    ("brady_amiodarone.actions", "amiodarone 300 mg for the wide-complex escape rhythm.",
     dict(extra=((200, "give_drug              drug=amiodarone dose=300mg route=IV"),))),
    ("brady_renal_dopamine.actions", "dopamine at 2 mcg/kg/min (a 'renal' dose) instead of 5-20.",
     dict(second="drug=dopamine rate_per_kg=2mcg/kg/min")),
    ("brady_delayed_atropine.actions", "a 12-lead ECG and chest X-ray first: atropine only at 8 min.",
     dict(atropine=((480, "1mg"),), ecg_at=60, extra=((120, "order_xray"),), second_at=600)),
]

if __name__ == "__main__":
    runlib.main(HERE, "symptomatic_bradycardia.yaml", "brady_runs.py", RUNS, timeline)
