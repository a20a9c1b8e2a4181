#!/usr/bin/env python3
"""Checks that the documentation tells the truth:

1. every good example (docs/examples/*.yaml but bad_*) and every bundled scenario passes
   `scrub validate` with its model runs, and validates against docs/scenario.schema.json;
2. the output of `scrub validate` on each docs/examples/bad_*.yaml is pasted, exactly, in
   docs/scenario-format.md;
3. the schema in the repository is what docs/gen_schema.py generates today.

    python3 docs/check_examples.py [build/scrub]

Needs the Python packages jsonschema and pyyaml (e.g. in a venv outside the repository).
Exit status 0 when everything holds, 1 otherwise.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))
import gen_schema  # noqa: E402
from check_schema import Yaml12Loader  # noqa: E402


def main():
    scrub = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build/scrub")
    ok = True
    schema = json.loads((DOCS / "scenario.schema.json").read_text(encoding="utf-8"))
    if gen_schema.build(scrub) != schema:
        print("FAIL docs/scenario.schema.json is out of date: run python3 docs/gen_schema.py build/scrub > docs/scenario.schema.json")
        ok = False
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    good = sorted(p for p in (DOCS / "examples").glob("*.yaml") if not p.name.startswith("bad_"))
    good += sorted((ROOT / "scenarios").glob("*.yaml"))
    for p in good:
        rel = p.relative_to(ROOT)
        # the bundled scenarios' model runs are played by the bundled_scenarios test: here, the file
        bundled = p.parent.name == "scenarios"
        r = subprocess.run([scrub, "validate"] + (["--no-runs"] if bundled else []) + [str(rel)], cwd=ROOT,
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL scrub validate {rel}:\n{r.stderr}")
            ok = False
        doc = yaml.load(p.read_text(encoding="utf-8"), Loader=Yaml12Loader)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print(f"FAIL schema {rel}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        ok = ok and not errors
        if r.returncode == 0 and not errors:
            print(f"ok   {rel}")

    guide = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
    for p in sorted((DOCS / "examples").glob("bad_*.yaml")):
        rel = p.relative_to(ROOT)
        r = subprocess.run([scrub, "validate", p.name], cwd=p.parent, capture_output=True, text=True)
        out = r.stdout + r.stderr
        if r.returncode != 1:
            print(f"FAIL {rel}: expected exit status 1, got {r.returncode}")
            ok = False
        elif out.strip() not in guide:
            print(f"FAIL {rel}: its output is not pasted in docs/scenario-format.md; today it is:\n{out}")
            ok = False
        else:
            try:
                doc = yaml.load(p.read_text(encoding="utf-8"), Loader=Yaml12Loader)
                caught = any(True for _ in validator.iter_errors(doc))
            except yaml.YAMLError:
                caught = True
            print(f"ok   {rel} (output matches the guide{'; the schema flags it too' if caught else ''})")
    # docs/action-scripts.md pastes `scrub list actions` and the output for examples/bad.actions
    scripts = (DOCS / "action-scripts.md").read_text(encoding="utf-8")
    listing = subprocess.run([scrub, "list", "actions"], capture_output=True, text=True).stdout
    if "```\n" + listing + "```" not in scripts:
        print("FAIL docs/action-scripts.md: the list of actions differs from `scrub list actions`; paste it again")
        ok = False
    else:
        print("ok   docs/action-scripts.md lists the actions of `scrub list actions`")
    r = subprocess.run([scrub, "run", "--headless", "first_scenario.yaml", "--actions", "bad.actions", "--out",
                        "/nonexistent/never-written"], cwd=DOCS / "examples", capture_output=True, text=True)
    if r.returncode != 1 or (r.stdout + r.stderr) not in scripts:
        print(f"FAIL docs/action-scripts.md: the output for examples/bad.actions is not pasted; today it is:\n{r.stdout + r.stderr}")
        ok = False
    else:
        print("ok   docs/examples/bad.actions (output matches docs/action-scripts.md)")
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
