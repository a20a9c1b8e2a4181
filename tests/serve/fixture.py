#!/usr/bin/env python3
"""The test fixture of scrub serve: a store with accounts, a cohort, an upload token and session records.

usage: fixture.py SCRUB SRCROOT DIR [--rich]
Prints JSON: {"store": PATH, "token": HEX, "records": [PATH...], "passwords": {NAME: PW}}.
Accounts: root (admin), ins (instructor of cohort c1), ins2 (instructor without a cohort), alice and bob
(trainees; alice is in c1, bob is not). Records (not yet in the store: the tests upload them): alice passes and
fails BLS and runs anaphylaxis; bob runs BLS. --rich adds trainees carol, dan and erin (in c1) with more BLS runs,
for the browser test's pictures."""
import json
import os
import subprocess
import sys


def scrub(exe, *args, stdin=None):
    r = subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit(f"scrub {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def make(exe, root, tmp, rich=False):
    store = os.path.join(tmp, "records.db")
    bls = os.path.join(root, "scenarios/bls_aed_adult.yaml")
    ana = os.path.join(root, "scenarios/anaphylaxis_adult.yaml")
    runs = [("alice", bls, "textbook"), ("alice", bls, "late first shock"), ("alice", ana, None),
            ("bob", bls, "textbook")]
    trainees = ["alice", "bob"]
    if rich:
        more = ["late first shock", "no compressions after the shock", "pause for the pads", "textbook",
                "full 10 s pulse check", "compressor swap"]
        for k, who in enumerate(["carol", "dan", "erin"]):
            trainees.append(who)
            for j in range(3):
                runs.append((who, bls, more[(k + j) % len(more)]))
        runs.append(("alice", bls, "textbook"))
    records = []
    for i, (who, scn, mr) in enumerate(runs):
        out = os.path.join(tmp, f"run{i}")
        args = ["run", "--headless", scn, "--out", out, "--trainee", who, "--quiet", "--force"]
        if mr:
            args += ["--model-run", mr]
        subprocess.run([exe, *args], capture_output=True, timeout=300)
        records.append(os.path.join(out, "session.jsonl"))
    pw = {}
    accounts = [("root", "admin"), ("ins", "instructor"), ("ins2", "instructor")] + [(t, "trainee") for t in trainees]
    for name, role in accounts:
        pw[name] = f"pw-{name}-12345"
        scrub(exe, "serve", "users", "add", name, "--role", role, "--store", store, stdin=pw[name] + "\n")
    for member in ["ins", "alice"] + trainees[2:]:
        scrub(exe, "serve", "cohort", "add", "c1", member, "--store", store)
    token = scrub(exe, "serve", "token", "add", "alice", "--store", store).strip()
    return {"store": store, "token": token, "records": records, "passwords": pw}


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1], sys.argv[2], sys.argv[3], "--rich" in sys.argv[4:])))
