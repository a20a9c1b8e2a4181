#!/usr/bin/env python3
"""Rewrites the parameter table at the end of docs/physiology.md from sim/patient/patient_params.h.

    python3 sim/patient/gen_param_table.py            # from the repository root

tests/unit/test_patient.c checks that every row is present and current."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]
src = (root / "sim/patient/patient_params.h").read_text()
doc_path = root / "docs/physiology.md"
doc = doc_path.read_text()
rows = re.findall(r'X\((\w+), "([^"]+)", "([^"]*)", ([-0-9.e]+), ([-0-9.e]+), ([-0-9.e]+), "([^"]*)"\)', src)
table = "| name | unit | default | min | max | meaning |\n|---|---|---|---|---|---|\n"
for _, name, unit, d, lo, hi, desc in rows:
    table += f"| `{name}` | {unit} | {float(d):g} | {float(lo):g} | {float(hi):g} | {desc} |\n"
head = doc[: doc.index("| name | unit | default |")]
doc_path.write_text(head + table)
print(f"{len(rows)} parameters")
