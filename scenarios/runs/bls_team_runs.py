#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../bls_team_adult.yaml (run from anywhere:
`python3 scenarios/runs/bls_team_runs.py`). The team follows the solo run in which the rescuers swap
compressors (bls_compressor_swap.actions, written by bls_runs.py) and shares it out by role: the
leader (ana) assesses, calls, runs the AED and shocks; two compressors (ben, cai) take turns, the one
who did not compress last starting each time; the airway manager (dev) opens the airway and gives
the breaths. Each failing run differs in the one team mistake it demonstrates."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOLO = os.path.join(HERE, "bls_compressor_swap.actions")

LEADER = {"check_responsiveness", "call_for_help", "check_pulse", "check_breathing", "power_on_aed",
          "attach_pads", "stand_clear", "analyse_rhythm", "shock"}
AIRWAY = {"open_airway", "give_breaths"}
COMPRESSOR = {"start_cpr", "stop_cpr", "compression"}


def team_lines(swap=True, shocker=None):
    """The solo timeline with by= and role= on every action. `swap`: the compressors take turns;
    `shocker`: (time, name, role) of a shock given by someone else than the leader."""
    out = []
    compressors = ["ben", "cai"]
    turn = -1
    with open(SOLO) as f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            t, action = s.split()[:2]
            if action in LEADER:
                who, role = "ana", "leader"
            elif action in AIRWAY:
                who, role = "dev", "airway"
            elif action in COMPRESSOR:
                if action == "start_cpr" and (swap or turn < 0):
                    turn = (turn + 1) % 2
                who, role = compressors[turn], "compressor"
            else:
                raise SystemExit(f"{SOLO}: no role does {action}")
            if shocker and action == "shock" and t == shocker[0]:
                who, role = shocker[1], shocker[2]
            out.append(f"{s:<60} by={who} role={role}")
    return out


RUNS = {
    "bls_team_textbook": ("the team shares the BLS timeline; the compressors swap at every restart", team_lines()),
    "bls_team_no_swap": ("ben does every compression cycle: the compressors never swap", team_lines(swap=False)),
    "bls_team_compressor_shocks": ("the second shock is given by the compressor on the chest (cai), not the leader",
                                   team_lines(shocker=("3:00", "cai", "compressor"))),
}


def main():
    for name, (what, lines) in RUNS.items():
        with open(os.path.join(HERE, name + ".actions"), "w") as f:
            f.write(f"# Model run for ../bls_team_adult.yaml, written by bls_team_runs.py: {what}.\n")
            f.write("# time  action                 parameters                       who\n")
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
