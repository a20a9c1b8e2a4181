#!/usr/bin/env python3
"""Writes docs/mistakes.md: the mistake library of every bundled scenario, as a table that maps each
classic mistake (a model run expected to fail on named checklist items) and each correct variant (a
model run expected to pass) to the guideline that judges it.

    python3 docs/gen_mistakes.py > docs/mistakes.md        # regenerate
    python3 docs/gen_mistakes.py --check                   # exit 1 if docs/mistakes.md is out of date

The table is built from the scenario files themselves (each model run's `expect:`, `description:`
and `ref:`), so it cannot drift from what `scrub validate` checks.
"""
import sys
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))
from check_examples import Yaml12Loader  # noqa: E402


def cell(text):
    return " ".join(str(text or "").split()).replace("|", "\\|")


def build():
    out = ["# The mistake library",
           "",
           "Every bundled scenario carries model runs that `scrub validate` plays on each check: classic",
           "mistakes, each expected to fail on the checklist items named, and correct variants (another",
           "accepted drug, site, timing or technique), each expected to pass. A scenario is only as",
           "trustworthy as the mistakes it is known to catch. This page is generated from the scenario",
           "files by `docs/gen_mistakes.py`; a test keeps it current.",
           ""]
    totals = []
    for p in sorted((ROOT / "scenarios").glob("*.yaml")):
        doc = yaml.load(p.read_text(encoding="utf-8"), Loader=Yaml12Loader)
        refs = {r["id"]: r.get("cite", "") for r in doc.get("references", []) or []}
        runs = doc.get("model_runs", []) or []
        mistakes = [r for r in runs if r.get("expect") != "pass"]
        variants = [r for r in runs if r.get("expect") == "pass"]
        minor = [r for r in mistakes if isinstance(r.get("expect"), dict) and "lose" in r["expect"]]
        totals.append((p.name, doc.get("title", ""), len(mistakes), len(variants)))
        out += [f"## {cell(doc.get('title'))} (`scenarios/{p.name}`)", "",
                f"{len(mistakes)} mistakes ({len(minor)} of them minor: the run passes, losing points), "
                f"{len(variants)} correct runs.", "",
                "| Model run | Expected | Judged by | What it shows |", "|---|---|---|---|"]
        for r in variants + mistakes:
            exp = r.get("expect")
            if exp == "pass":
                e = "pass"
            else:
                key = "fail" if isinstance(exp, dict) and "fail" in exp else "lose"
                f = exp.get(key) if isinstance(exp, dict) else None
                f = f if isinstance(f, list) else [f]
                e = ("fail on " if key == "fail" else "pass, losing points on ") + ", ".join(f"`{x}`" for x in f)
            ref = r.get("ref")
            judged = f"{ref}: {refs.get(ref, '')}" if ref else ""
            out.append(f"| {cell(r.get('name'))} | {e} | {cell(judged)} | {cell(r.get('description'))} |")
        out.append("")
    out += ["## Totals", "", "| Scenario | Mistakes | Correct runs |", "|---|---|---|"]
    for name, title, m, v in totals:
        out.append(f"| {cell(title)} (`{name}`) | {m} | {v} |")
    return "\n".join(out) + "\n"


def main():
    text = build()
    if "--check" in sys.argv:
        current = (DOCS / "mistakes.md").read_text(encoding="utf-8") if (DOCS / "mistakes.md").exists() else ""
        if current != text:
            print("docs/mistakes.md is out of date: run python3 docs/gen_mistakes.py > docs/mistakes.md")
            return 1
        print("docs/mistakes.md is current")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
