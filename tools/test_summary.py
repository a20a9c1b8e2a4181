#!/usr/bin/env python3
"""Prints the closing line CI reads, 'N passed, N failed', from meson's test log (and the fuzzer)."""
import json
import sys

log, fuzz = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "skipped")
passed = failed = skipped = 0
with open(log, encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result", "")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
if fuzz == "ok":
    passed += 1
elif fuzz == "failed":
    failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
