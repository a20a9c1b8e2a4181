#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../opioid_overdose.yaml (run from anywhere:
`python3 scenarios/runs/opioid_runs.py`). Every run follows one timeline - the AHA 2020 opioid-associated
emergency algorithm for a patient with a pulse: responsiveness, help, open airway, breathing and pulse
check, bag-mask ventilation with oxygen (one breath every 6 s), naloxone, reassessment, the recovery
position, an observation period, and a repeat dose when the long-acting opioid outlasts the naloxone -
and differs from the textbook run in the one mistake (or the one accepted variation) it demonstrates.
The repeat dose times follow the re-sedation the patient model gives each run (see the scenario)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runlib  # noqa: E402

IV = "route=IV"


def timeline(airway=True, bvm=10, pulse_check=True, cpr=False, naloxone=((100, "dose=0.4mg route=IV"),),
             access=90, redose=((1800, "dose=0.4mg route=IV"),), observe=True, reassess=240, bvm_until=250):
    tl = runlib.Timeline()
    tl.at(5, "check_responsiveness")
    tl.at(10, "call_for_help          who=team")
    if airway:
        tl.at(15, "open_airway            method=head_tilt_chin_lift")
    tl.at(20, "check_breathing        duration=8s")
    if pulse_check:
        tl.at(20, "check_pulse            site=carotid duration=8s")
    if cpr:
        tl.at(30, "start_cpr              rate=110/min depth=55mm")
        tl.at(70, "stop_cpr")
    if bvm:
        tl.at(35, "oxygen                 device=bvm flow=15L/min")
        # one bag-mask breath per action: every 6 s at 10 /min, until the breathing is adequate
        t = 40.0
        while t < bvm_until:
            tl.at(t, f"bvm_ventilation        rate={bvm}/min")
            t += 60.0 / bvm
    tl.at(access, "iv_access              site=antecubital gauge=18G")
    for t, how in naloxone:
        tl.at(t, f"give_drug              drug=naloxone {how}")
    tl.at(reassess, "reassess               what=breathing")
    tl.at(270, "oxygen                 device=non_rebreather flow=15L/min")
    tl.at(300, "position_patient       position=recovery")
    if observe:
        tl.at(360, "observe                duration=2h")
    for t, how in redose:
        tl.at(t - 30, "reassess               what=response")
        tl.at(t, f"give_drug              drug=naloxone {how}")
    return tl


RUNS = [
    # correct runs
    ("opioid_textbook.actions", "the textbook care: ventilation first, naloxone 0.4 mg IV, observation, a repeat dose.",
     {}),
    ("opioid_im.actions", "naloxone 0.4 mg IM into the thigh (no IV access yet).",
     dict(naloxone=((100, "dose=0.4mg route=IM site=anterolateral_thigh"),), access=600, redose=((2260, "dose=0.4mg route=IV"),))),
    ("opioid_intranasal.actions", "naloxone 2 mg intranasal.",
     dict(naloxone=((100, "dose=2mg route=IN"),), access=600, redose=((2260, "dose=0.4mg route=IV"),))),
    ("opioid_titrated.actions", "naloxone titrated in 0.1 mg IV boluses every 2 minutes.",
     dict(naloxone=((100, "dose=0.1mg route=IV"), (220, "dose=0.1mg route=IV"), (340, "dose=0.1mg route=IV")),
          reassess=210, bvm_until=460, redose=((1410, "dose=0.1mg route=IV"), (1530, "dose=0.1mg route=IV")))),
    # classic mistakes
    ("opioid_no_ventilation.actions", "naloxone IM without supporting ventilation first.",
     dict(bvm=None, naloxone=((60, "dose=0.4mg route=IM site=anterolateral_thigh"),))),
    ("opioid_large_bolus.actions", "a 2 mg IV bolus: precipitated withdrawal.",
     dict(naloxone=((100, "dose=2mg route=IV"),), redose=())),
    ("opioid_cpr_with_pulse.actions", "compressions started without a pulse check, on a patient with a pulse.",
     dict(pulse_check=False, cpr=True)),
    ("opioid_no_airway.actions", "bag-mask ventilation without opening the airway.", dict(airway=False)),
    ("opioid_no_observation.actions", "no observation; the re-sedation is missed.", dict(observe=False, redose=())),
    ("opioid_hyperventilation.actions", "bagging at 30 breaths/min.", dict(bvm=30)),
    ("opioid_in_underdose.actions", "the IV dose, 0.4 mg, sprayed into the nose.",
     dict(naloxone=((100, "dose=0.4mg route=IN"),), access=600)),
]

if __name__ == "__main__":
    runlib.main(HERE, "opioid_overdose.yaml", "opioid_runs.py", RUNS, timeline)
