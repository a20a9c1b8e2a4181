#!/usr/bin/env python3
"""Generates docs/scenario.schema.json, the JSON Schema of Scrub scenario files.

The action vocabulary comes from `scrub list actions` and the unit spellings from
sim/base/units.c, so that the schema follows the engine when actions or units are added:

    python3 docs/gen_schema.py build/scrub > docs/scenario.schema.json

The schema mirrors what sim/scenario.c accepts. Where the loader checks something a schema
cannot express (names that refer to each other, units of conditions, reachability), the
schema stays permissive and `scrub validate` has the last word.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_units():
    """{dimension: [spellings]} from the table in sim/base/units.c."""
    text = (ROOT / "sim/base/units.c").read_text(encoding="utf-8")
    units = {}
    for m in re.finditer(r'\{"((?:[^"\\]|\\.)*)"\s*(?:"((?:[^"\\]|\\.)*)")?,\s*\{"[^"]*",\s*SCRUB_DIM_(\w+),', text):
        spelling = (m.group(1) + (m.group(2) or "")).encode("latin-1").decode("unicode_escape")
        spelling = spelling.encode("latin-1").decode("utf-8")
        units.setdefault(m.group(3), []).append(spelling)
    return units


DIM_OF_TEXT = {
    "a time": "TIME", "a mass": "MASS", "a volume": "VOLUME", "an energy": "ENERGY",
    "a pressure": "PRESSURE", "a percentage": "PERCENT", "a rate per minute": "RATE", "a length": "LENGTH",
    "a temperature": "TEMPERATURE", "a flow": "FLOW", "a dose per kg": "DOSE_PER_KG",
    "a concentration": "CONC", "an angle": "ANGLE", "a force": "FORCE", "a speed": "SPEED",
    "a body weight": "WEIGHT", "a dose rate": "DOSE_RATE", "a dose rate per kg": "DOSE_RATE_PER_KG",
    "a number of units": "UNITS", "a volume per kg": "VOLUME_PER_KG", "a current": "CURRENT",
}


def read_actions(scrub):
    """[(name, category, help, [param dicts])] from `scrub list actions`."""
    out = subprocess.run([scrub, "list", "actions"], check=True, capture_output=True, text=True).stdout
    actions, cat = [], None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            cat = line.rstrip(":")
        elif line.startswith("      "):
            m = re.match(r"\s+(\S+)\s+(\(required\) )?(.*)$", line)
            name, required, rest = m.group(1), bool(m.group(2)), m.group(3)
            p = {"name": name, "required": required}
            if ": one of " in rest:
                help_, words = rest.rsplit(": one of ", 1)
                p.update(kind="symbol", help=help_, symbols=[w.strip() for w in words.split(",")])
            elif ": a whole number " in rest:
                help_, rng = rest.rsplit(": a whole number ", 1)
                lo, hi = rng.split("..")
                p.update(kind="count", help=help_, min=float(lo), max=float(hi))
            elif rest.endswith(": text"):
                p.update(kind="text", help=rest[:-6])
            else:
                m2 = re.match(r"(.*), in (.*): (.*)$", rest)
                p.update(kind="quantity", help=m2.group(1), dim=DIM_OF_TEXT[m2.group(3)], dimtext=m2.group(3))
            actions[-1][3].append(p)
        else:
            m = re.match(r"\s+(\S+)\s+(.*)$", line)
            actions.append((m.group(1), cat, m.group(2), []))
    return actions


NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE]\d+)?"


def alt(words):
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def duration_schema(desc):
    return {
        "description": desc,
        "type": "string",
        "pattern": r"^\s*(?:" + NUM + r"\s*(?:s|sec|ms|min|h)|\d+(?:\.\d*)?(?::\d+(?:\.\d*)?){1,2})\s*$",
    }


def time_range_schema(desc):
    one = r"(?:" + NUM + r"\s*(?:s|sec|ms|min|h)?|\d+(?:\.\d*)?(?::\d+(?:\.\d*)?){1,2})"
    return {"description": desc, "type": "string",
            "pattern": r"^\s*" + one + r"\s*(?:\.\.\s*" + one + r"\s*)?$"}


QTY = {"type": ["number", "string"]}
SEV = {"type": "number", "minimum": 0.01, "maximum": 1}
# the patient model's other conditions (docs/scenario-format.md, 4.2)
COND_EXTRA = {
    "svt": {"type": "object", "additionalProperties": False, "description": "Supraventricular (AV nodal re-entry) tachycardia.",
            "properties": {"rate": QTY, "vagal_rank": SEV, "adenosine_dose": QTY}},
    "ventricular_tachycardia": {"type": "object", "additionalProperties": False, "description": "VT with a pulse.",
                                "properties": {"rate": QTY, "shocks_to_convert": {"type": "integer", "minimum": 1, "maximum": 10}}},
    "asthma": {"type": "object", "additionalProperties": False, "description": "Acute asthma.", "properties": {"severity": SEV}},
    "sepsis": {"type": "object", "additionalProperties": False, "description": "Sepsis.", "properties": {"severity": SEV}},
    "hyperkalaemia": {"type": "object", "additionalProperties": False, "description": "Hyperkalaemia.", "properties": {"potassium": QTY}},
}


def build(scrub):
    units = read_units()
    all_units = sorted({u for us in units.values() for u in us})
    actions = read_actions(scrub)
    action_names = [a[0] for a in actions]
    action_desc = "An action from Scrub's vocabulary (run `scrub list actions`)."
    D = {}

    D["text"] = {"type": ["string", "number"], "description": "Text. Quote it if it contains ': ' or starts with a special character."}
    D["name"] = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
                 "description": "A name: letters, digits and '_', starting with a letter or '_', at most 64 characters."}
    D["boolean"] = {"description": "true or false (yes and no are accepted too).",
                    "anyOf": [{"type": "boolean"}, {"enum": ["true", "false", "yes", "no"]}]}
    D["condition"] = {"type": "string", "minLength": 1, "maxLength": 1000,
                      "description": "A condition, e.g. `spo2 < 88 and time_in_state > 30 s`. Names: variables, "
                                     "time, time_in_state, state, count(action), since(action), done(item). "
                                     "Operators: and or not, == != < <= > >=, + - * /. A bare number takes the "
                                     "unit of what it is compared with."}
    D["duration"] = duration_schema("A duration with its unit: `30 s`, `2 min`, `1.5 h`, or minutes:seconds `1:30`.")
    D["action_name"] = {"enum": action_names, "description": action_desc}

    # Per-action parameter constraints (what `with:` may say about an action).
    for name, cat, help_, params in actions:
        props = {}
        for p in params:
            if p["kind"] == "text":
                continue  # free text is never matched on
            if p["kind"] == "symbol":
                props[p["name"]] = {
                    "description": f"{p['help']}: one word, or a list of accepted words.",
                    "anyOf": [{"enum": p["symbols"]},
                              {"type": "array", "minItems": 1, "items": {"enum": p["symbols"]}}]}
            elif p["kind"] == "count":
                props[p["name"]] = {
                    "description": f"{p['help']}: a whole number ({p['min']:g}..{p['max']:g}), a range `2..3` or a bound `>= 2`.",
                    "anyOf": [{"type": "number"},
                              {"type": "string", "pattern": r"^\s*(?:(?:>=|<=|>|<)\s*)?" + NUM +
                               r"\s*(?:(?:\.\.|±|\+/-|\+-)\s*" + NUM + r")?\s*$"}]}
            else:
                per_kg = {"MASS": "DOSE_PER_KG", "VOLUME": "VOLUME_PER_KG", "DOSE_RATE": "DOSE_RATE_PER_KG"}.get(p["dim"])
                u = alt(units[p["dim"]] + (units[per_kg] if per_kg else []))
                q = NUM + r"\s*(?:" + u + r")?"
                props[p["name"]] = {
                    "description": f"{p['help']}, {p['dimtext']} ({', '.join(units[p['dim']])}): a value `1 {units[p['dim']][0]}`, "
                                   f"a range `1..2 {units[p['dim']][0]}`, a tolerance `1 {units[p['dim']][0]} ± 0.1 {units[p['dim']][0]}` "
                                   f"or a bound `>= 1 {units[p['dim']][0]}`. Write the unit.",
                    "type": "string",
                    "pattern": r"^\s*(?:(?:>=|<=|>|<)\s*)?" + q + r"\s*(?:(?:\.\.|±|\+/-|\+-)\s*" + q + r")?\s*$"}
        D["with_" + name] = {"type": "object", "additionalProperties": False, "properties": props,
                             "description": f"Parameters of {name} that must match ({help_})."}

    def per_action(key, target):
        """if key == action then `target` follows that action's parameter schema."""
        out = []
        for name, *_ in actions:
            out.append({"if": {"properties": {key: {"const": name}}, "required": [key]},
                        "then": {"properties": {target: {"$ref": f"#/definitions/with_{name}"}}}})
        return out

    # The mapping form: {action: shock, energy: 120..360 J}
    match_obj = {"type": "object", "required": ["action"],
                 "description": "An action with constraints on its parameters, e.g. `{action: shock, energy: 120..360 J}`.",
                 "properties": {"action": {"$ref": "#/definitions/action_name"}},
                 "allOf": []}
    for name, _, _, params in actions:
        props = {"action": {"const": name}}
        props.update({k: {"$ref": f"#/definitions/with_{name}/properties/{k}"}
                      for k in D["with_" + name]["properties"]})
        props["delivered"] = {"$ref": "#/definitions/boolean",
                              "description": "The patient model's judgement: the action physically happened (default for do:/on: yes)."}
        props["effective"] = {"$ref": "#/definitions/boolean",
                              "description": "The patient model's judgement: the action did what it is for."}
        match_obj["allOf"].append({"if": {"properties": {"action": {"const": name}}},
                                   "then": {"properties": props, "additionalProperties": False}})
    D["match_object"] = match_obj
    D["match"] = {"description": "An action: its name (`shock`), or `{action: shock, energy: 120..360 J}`.",
                  "anyOf": [{"$ref": "#/definitions/action_name"}, {"$ref": "#/definitions/match_object"}]}
    D["matches"] = {"description": "An action, or a list of accepted alternatives (any one meets the item).",
                    "anyOf": [{"$ref": "#/definitions/match"},
                              {"type": "array", "minItems": 1, "maxItems": 64, "items": {"$ref": "#/definitions/match"}}]}

    var_value = {"type": ["number", "string"],
                 "description": "A number (in the variable's unit, or with a unit of the same kind: `80 mmHg`), or one of the variable's words."}
    D["var_value"] = var_value
    trend_value = {
        "description": "Where the variable goes and how fast: `60 over 5 min`, or `{to: 60, over: 5 min}`.",
        "anyOf": [{"type": "string", "pattern": r"^.+ over .+$"},
                  {"type": "object", "additionalProperties": False, "required": ["to", "over"],
                   "properties": {"to": {"$ref": "#/definitions/var_value", "description": "The target value."},
                                  "over": {"$ref": "#/definitions/duration",
                                           "description": "How long the change takes (longer than 0 s)."}}}]}
    D["set"] = {"type": "object", "description": "Variables to change at once: `{rhythm: asystole, hr: 0}`.",
                "propertyNames": {"$ref": "#/definitions/name"},
                "additionalProperties": {"$ref": "#/definitions/var_value"}}
    D["trend"] = {"type": "object", "description": "Variables that move in a straight line toward a target: `{etco2: 15 over 30 s}`.",
                  "propertyNames": {"$ref": "#/definitions/name"}, "additionalProperties": trend_value}

    D["transition"] = {
        "type": "object", "additionalProperties": False,
        "description": "What happens in a state when the trainee acts (`on:`), when a condition becomes true (`when:`) "
                       "or after some time in the state (`after:`). Without `to:` it is a reaction: the effects happen, "
                       "the state stays.",
        "properties": {
            "on": {"$ref": "#/definitions/match", "description": "Fires when the trainee does this action (optionally with `with:` and `if:`)."},
            "with": {"type": "object", "description": "Constraints on the action's parameters, e.g. `{energy: 120..360 J}`."},
            "if": {"$ref": "#/definitions/condition", "description": "With `on:`: the action counts only while this condition holds."},
            "when": {"$ref": "#/definitions/condition", "description": "Fires when this condition is true (a reaction without `to:` fires once each time it becomes true)."},
            "after": {"$ref": "#/definitions/duration", "description": "Fires after this long in the state."},
            "to": {"$ref": "#/definitions/name", "description": "The next state. Leave it out for a reaction that stays in the state."},
            "set": {"$ref": "#/definitions/set", "description": "Variables to change at once."},
            "trend": {"$ref": "#/definitions/trend", "description": "Variables to move gradually."},
            "note": {"$ref": "#/definitions/text", "description": "A note for authors; Scrub ignores it."},
        },
        "oneOf": [{"required": ["on"]}, {"required": ["when"]}, {"required": ["after"]}],
        "anyOf": [{"required": ["to"]}, {"required": ["set"]}, {"required": ["trend"]}],
        "dependencies": {"with": ["on"], "if": ["on"]},
        "allOf": per_action("on", "with"),
    }
    D["effects"] = {"type": "object", "additionalProperties": False,
                    "description": "Effects applied each time the state is entered.",
                    "properties": {"set": {"$ref": "#/definitions/set"}, "trend": {"$ref": "#/definitions/trend"}}}
    D["state"] = {
        "type": "object", "additionalProperties": False,
        "description": "A state of the patient and the scene.",
        "properties": {
            "description": {"$ref": "#/definitions/text", "description": "What the trainee finds in this state."},
            "on_enter": {"$ref": "#/definitions/effects", "description": "Variables set or trended each time the state is entered."},
            "transitions": {"type": "array", "maxItems": 64, "items": {"$ref": "#/definitions/transition"},
                            "description": "Checked in order; for actions, the first that matches wins; for conditions and timers, the first move (with `to:`) wins."},
            "jump_target": {"$ref": "#/definitions/boolean", "description": "The instructor may jump here (instructor_jump). Default false."},
            "end": {"description": "Makes this an end state: the scenario stops here with this outcome word (`end: rosc`).",
                    "anyOf": [{"$ref": "#/definitions/name"},
                              {"type": "object", "additionalProperties": False, "required": ["outcome"],
                               "properties": {"outcome": {"$ref": "#/definitions/name", "description": "The outcome word for the report."}}}]},
        },
    }
    D["variable"] = {
        "description": "A variable: `{value: 120, unit: /min}`, `{value: vf, one_of: [vf, asystole]}`, or the short form `120 /min`.",
        "anyOf": [
            {"type": ["number", "string"]},
            {"type": "object", "additionalProperties": False, "required": ["value"],
             "properties": {
                 "value": {"$ref": "#/definitions/var_value", "description": "The value at the start."},
                 "unit": {"enum": all_units, "description": "The unit its numbers are written in (run `scrub list units`)."},
                 "one_of": {"type": "array", "minItems": 1, "maxItems": 64, "uniqueItems": True,
                            "items": {"$ref": "#/definitions/name"},
                            "description": "The words this variable can take (instead of a number)."},
                 "label": {"$ref": "#/definitions/text", "description": "A readable name for displays."},
                 "min": {"type": "number", "description": "The lowest value allowed (in the variable's unit)."},
                 "max": {"type": "number", "description": "The highest value allowed (in the variable's unit)."},
             }}]}

    item_props = {
        "id": {"$ref": "#/definitions/name", "description": "A short unique name, used in reports, `after:`, `from: item ...`, `done(...)` and model runs."},
        "text": {"$ref": "#/definitions/text", "description": "What the trainee is scored on, as the report shows it."},
        "do": {"$ref": "#/definitions/matches", "description": "An expected action, or a list of accepted alternatives."},
        "forbid": {"$ref": "#/definitions/matches", "description": "An action that must not happen (while `if:` holds, inside `within:`), or a list of them."},
        "reach": {"$ref": "#/definitions/name", "description": "A state the patient must reach."},
        "check": {"$ref": "#/definitions/condition", "description": "A condition that must hold when the session ends (e.g. CPR quality: `ccf >= 80 %`)."},
        "each": {"$ref": "#/definitions/boolean", "description": "With do: every occurrence of the action must meet the item, not only the first."},
        "with": {"type": "object", "description": "Constraints on the action's parameters, e.g. `{dose: 1 mg ± 0.1 mg, route: [IV, IO]}`."},
        "if": {"$ref": "#/definitions/condition", "description": "The action counts (or is forbidden) only while this holds."},
        "after": {"description": "Items that must be done first; otherwise this one is out_of_order.",
                  "anyOf": [{"$ref": "#/definitions/name"}, {"type": "array", "items": {"$ref": "#/definitions/name"}}]},
        "within": time_range_schema("The time window, counted from `from:` (default: the start): `30 s` (0 to 30 s) or `1..3 min`."),
        "from": {"type": "string", "pattern": r"^(start|state [A-Za-z_][A-Za-z0-9_]*|item [A-Za-z_][A-Za-z0-9_]*)$",
                 "description": "Where `within:` counts from: `start`, `state NAME` (its first entry) or `item ID` (when it was done). Before its anchor an action does not count."},
        "every": time_range_schema("For a repeated action: the gap allowed between repetitions, e.g. `3..5 min`."),
        "while_in": {"$ref": "#/definitions/name", "description": "With `every:`: repetitions are checked only while in this state."},
        "points": {"type": "number", "minimum": 0, "maximum": 1000, "description": "Points when done (default 1)."},
        "penalty": {"type": "number", "minimum": 0, "maximum": 100, "description": "forbid: items only: percentage points taken off the score when violated (default 0)."},
        "critical": {"$ref": "#/definitions/boolean", "description": "A critical item must be done, on time and in order (forbid: never violated) to pass when `all_critical` is on. Default false."},
        "partial_credit": {"type": "number", "minimum": 0, "maximum": 1, "description": "Share of the points for late or out-of-order (default: the checklist's partial_credit)."},
        "ref": {"type": "string", "description": "The id of a reference (under `references:`) this item follows."},
        "role": {"$ref": "#/definitions/name", "description": "do:/forbid: counts only what this role (under `roles:`) does."},
        "swap": {"$ref": "#/definitions/boolean", "description": "With `every:`: each repetition must be by another participant than the last (compressors swap)."},
    }
    D["item"] = {
        "type": "object", "additionalProperties": False, "required": ["id", "text"],
        "description": "A checklist item: exactly one of `do:`, `forbid:`, `reach:` or `check:`.",
        "properties": item_props,
        "oneOf": [{"required": ["do"]}, {"required": ["forbid"]}, {"required": ["reach"]}, {"required": ["check"]}],
        "dependencies": {"from": ["within"], "while_in": ["every"], "every": ["do"], "each": ["do"], "penalty": ["forbid"],
                         "swap": ["every"]},
        "allOf": per_action("do", "with") + per_action("forbid", "with"),
    }
    D["action_line"] = {
        "type": "string",
        "description": "TIME ACTION name=value ..., e.g. `0:20 start_cpr rate=110/min depth=55mm`.",
        "pattern": r"^\s*\S+\s+" + alt(action_names) + r"(?:\s|#|$)",
    }
    D["model_run"] = {
        "type": "object", "additionalProperties": False, "required": ["name", "expect"],
        "description": "A scripted trainee that `scrub validate` plays; its outcome must be the expected one.",
        "properties": {
            "name": {"$ref": "#/definitions/text", "description": "A unique name for the run."},
            "description": {"$ref": "#/definitions/text", "description": "What this run shows."},
            "trainee": {"$ref": "#/definitions/text", "description": "Accepted and ignored (for authors' notes)."},
            "ref": {"type": "string", "description": "The id of the reference (under `references:`) that makes this run a mistake or a correct variant."},
            "expect": {"description": "`pass`; `{fail: [item ids]}`: the run must not pass, and each listed item must not be done (late, out of order, missed or violated); `{lose: [item ids]}`: the run passes, but each listed item is not done.",
                       "anyOf": [{"const": "pass"},
                                 {"type": "object", "additionalProperties": False, "required": ["fail"],
                                  "properties": {"fail": {"description": "Checklist items the run must fail on.",
                                                          "anyOf": [{"$ref": "#/definitions/name"},
                                                                    {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/name"}}]}}},
                                 {"type": "object", "additionalProperties": False, "required": ["lose"],
                                  "properties": {"lose": {"description": "A minor mistake: the run passes, but these items are not met.",
                                                          "anyOf": [{"$ref": "#/definitions/name"},
                                                                    {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/name"}}]}}}]},
            "actions": {"description": "The trainee's actions, one per line: a list, or a block after `actions: |`.",
                        "anyOf": [{"type": "array", "items": {"$ref": "#/definitions/action_line"}}, {"type": "string"}]},
            "actions_file": {"type": "string", "pattern": r"^(?!/)(?!.*\.\.).+$",
                             "description": "An action script beside the scenario (relative path, no `..`)."},
        },
        "oneOf": [{"required": ["actions"]}, {"required": ["actions_file"]}],
    }

    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://scrub.invalid/scenario.schema.json",
        "title": "Scrub scenario",
        "description": "A Scrub training scenario (format 1): metadata, patient, variables, states, checklist and model runs. "
                       "Generated by docs/gen_schema.py; `scrub validate` has the last word.",
        "type": "object",
        "additionalProperties": False,
        "required": ["scrub", "id", "title", "version", "duration", "states", "checklist"],
        "properties": {
            "scrub": {"enum": [1, "1"], "description": "The format version. Always 1."},
            "id": {"type": ["string", "number"], "pattern": r"^[A-Za-z0-9_.-]+$", "description": "A short unique id: letters, digits, '-', '_' and '.'."},
            "title": {"$ref": "#/definitions/text", "description": "The title shown to trainees and in reports."},
            "version": {"$ref": "#/definitions/text", "description": "The scenario's own version, e.g. 1.0.0. Change it when you change the scoring."},
            "summary": {"$ref": "#/definitions/text", "description": "A few sentences on the case."},
            "authors": {"description": "Who wrote the scenario.",
                        "anyOf": [{"$ref": "#/definitions/text"}, {"type": "array", "maxItems": 64, "items": {"$ref": "#/definitions/text"}}]},
            "objectives": {"description": "The learning objectives.",
                           "anyOf": [{"$ref": "#/definitions/text"}, {"type": "array", "maxItems": 64, "items": {"$ref": "#/definitions/text"}}]},
            "references": {"type": "array", "maxItems": 64, "description": "The sources the scenario follows; items cite them with `ref:`.",
                           "items": {"type": "object", "additionalProperties": False, "required": ["id", "cite"],
                                     "properties": {"id": {"type": "string", "pattern": r"^[^ \t]+$", "description": "A one-word id, used by `ref:`."},
                                                    "cite": {"$ref": "#/definitions/text", "description": "The citation: organisation, year, title."},
                                                    "url": {"type": "string", "description": "Where to read it."}}}},
            "duration": {"$ref": "#/definitions/duration", "description": "How long a run may last (more than 0, at most 4 h). When it runs out the outcome is `timeout`."},
            "dt": {"$ref": "#/definitions/duration", "description": "The simulation step, 1 ms to 100 ms. Default 10 ms."},
            "seed": {"type": "integer", "minimum": 0, "description": "A whole number recorded with every session (default 1)."},
            "setting": {"$ref": "#/definitions/text", "description": "Where the case happens and what equipment is at hand."},
            "patient": {"type": "object", "additionalProperties": False, "description": "Who the patient is.",
                        "properties": {
                            "description": {"$ref": "#/definitions/text", "description": "A sentence about the patient."},
                            "age": {"type": "number", "minimum": 0, "maximum": 120, "description": "Age in years (0 to 120)."},
                            "sex": {"enum": ["male", "female", "other"], "description": "male, female or other."},
                            "weight": {"type": "string", "pattern": r"^\s*" + NUM + r"\s*kg\s*$", "description": "Body weight with its unit, e.g. `80 kg`."},
                            "model": {"type": "object", "additionalProperties": False,
                                      "description": "The physiology model that drives the vital signs (docs/physiology.md). Its vitals become read-only variables: hr, sbp, dbp, map, spo2, rr, etco2, temp, co, cpp, rhythm, pulse, avpu, rosc, shocks.",
                                      "properties": {
                                          "condition": {"type": "object", "additionalProperties": False, "description": "What the patient has at the start.",
                                                        "properties": {
                                                            "cardiac_arrest": {"type": "object", "additionalProperties": False, "description": "Cardiac arrest.",
                                                                               "properties": {"rhythm": {"enum": ["vf_coarse", "vf_fine", "pvt", "asystole", "pea"], "description": "The arrest rhythm (default vf_coarse)."}}},
                                                            "anaphylaxis": {"type": "object", "additionalProperties": False, "required": ["severity"], "description": "Anaphylaxis.",
                                                                            "properties": {k: {"type": "number", "minimum": 0, "maximum": 1, "description": d} for k, d in [
                                                                                ("severity", "How severe, 0.01 to 1."), ("airway_oedema", "Weight of airway oedema, 0 to 1."),
                                                                                ("bronchospasm", "Weight of bronchospasm, 0 to 1."), ("vasodilation", "Weight of vasodilation, 0 to 1.")]}},
                                                            "tension_pneumothorax": {"type": "object", "additionalProperties": False, "required": ["side"], "description": "Tension pneumothorax.",
                                                                                     "properties": {"side": {"enum": ["left", "right"], "description": "The affected side."},
                                                                                                    "severity": {"type": "number", "minimum": 0.01, "maximum": 1, "description": "How severe (default 0.8)."}}},
                                                            "hypovolaemia": {"type": "object", "additionalProperties": False, "description": "Blood loss.",
                                                                             "properties": {"blood_loss": {"type": "string", "description": "Lost before the start, e.g. `1500 mL`."},
                                                                                            "bleeding": {"type": "string", "description": "Ongoing loss, e.g. `100 mL/min`."}}},
                                                            "opioid_toxicity": {"type": "object", "additionalProperties": False, "description": "Opioid toxicity: respiratory depression that naloxone reverses for a while.",
                                                                                "properties": {"severity": {"type": "number", "minimum": 0.05, "maximum": 0.98, "description": "How severe (default 0.85: unresponsive, about 6 breaths a minute)."},
                                                                                               "half_life": {"$ref": "#/definitions/duration", "description": "Half-life of the opioid's effect, 1 min to 24 h (default 4 h)."}}},
                                                            **{k: {"type": "object", "additionalProperties": False, "description": d,
                                                                   "properties": {"rate": {"type": "string", "description": "The ventricular rate, 20 to 59 /min, e.g. `35 /min`."}}}
                                                               for k, d in [("sinus_bradycardia", "Sinus bradycardia (sinus node disease; default 40 /min)."),
                                                                            ("second_degree_av_block", "Second-degree AV block, Mobitz II (default 40 /min)."),
                                                                            ("third_degree_av_block", "Complete heart block (default escape 35 /min).")]},
                                                            "hypoglycaemia": {"type": "object", "additionalProperties": False, "description": "Hypoglycaemia.",
                                                                              "properties": {"glucose": {"type": "string", "description": "Blood glucose at the start, 0.5 to 3.9 mmol/L (default 1.8 mmol/L)."},
                                                                                             "insulin_depot": {"type": "string", "description": "Insulin still to be absorbed, e.g. `100 units`."}}},
                                                            **COND_EXTRA}},
                                          "params": {"type": "object", "description": "Named model parameters (docs/physiology.md), each a number in the parameter's unit.",
                                                     "additionalProperties": {"type": ["number", "string"]}}}}}},
            "variables": {"type": "object", "maxProperties": 256, "description": "Named values the states change and the conditions read: vital signs, rhythm, equipment.",
                          "propertyNames": {"allOf": [{"$ref": "#/definitions/name"},
                                                      {"not": {"enum": ["time", "time_in_state", "state", "count", "since", "done", "true", "false", "and", "or", "not"]}}]},
                          "additionalProperties": {"$ref": "#/definitions/variable"}},
            "roles": {"type": "object", "minProperties": 1, "maxProperties": 16,
                      "description": "Team roles (docs/scenario-format.md, Team roles): each with the actions it may do (none listed: anything).",
                      "propertyNames": {"$ref": "#/definitions/name"},
                      "additionalProperties": {"anyOf": [{"type": "null"}, {
                          "type": "object", "additionalProperties": False,
                          "properties": {"description": {"type": "string"},
                                         "actions": {"type": "array", "minItems": 1, "maxItems": 64,
                                                     "items": {"type": "string"}}}}]}},
            "actions": {"type": "object", "maxProperties": 64,
                        "description": "The scenario's own actions (a local procedure), used like built-in ones; docs/vocabulary.md. "
                                       "The schema does not know their names elsewhere in the file: scrub validate checks their uses.",
                        "propertyNames": {"$ref": "#/definitions/name"},
                        "additionalProperties": {"anyOf": [{"type": "null"}, {
                            "type": "object", "additionalProperties": False,
                            "properties": {
                                "category": {"$ref": "#/definitions/name", "description": "How `scrub list actions` groups it (default scenario)."},
                                "help": {"$ref": "#/definitions/text", "description": "What the action is, in one line."},
                                "params": {"type": "object", "maxProperties": 8, "description": "Its parameters, in order.",
                                           "propertyNames": {"$ref": "#/definitions/name"},
                                           "additionalProperties": {
                                               "type": "object", "additionalProperties": False,
                                               "properties": {
                                                   "quantity": {"type": "string", "pattern": r"^\s*-?[0-9.]+\s*\.\.\s*-?[0-9.]+\s*\S+\s*$",
                                                                "description": "A number with a unit: the accepted range and its unit, `0..60 min`."},
                                                   "count": {"type": "string", "pattern": r"^\s*-?[0-9]+\s*\.\.\s*-?[0-9]+\s*$",
                                                             "description": "A whole number: the accepted range, `1..10`."},
                                                   "symbols": {"type": "array", "minItems": 1, "maxItems": 63,
                                                               "items": {"type": ["string", "number"]}, "description": "The accepted words."},
                                                   "text": {"const": True, "description": "Free text, never matched on."},
                                                   "required": {"$ref": "#/definitions/boolean", "description": "It must be given."},
                                                   "one_of": {"$ref": "#/definitions/boolean", "description": "At least one of the one_of parameters must be given."},
                                                   "help": {"$ref": "#/definitions/text", "description": "What it is."}}}}}}]}},
            "initial": {"$ref": "#/definitions/name", "description": "The state the scenario starts in (default: the first state listed)."},
            "states": {"type": "object", "minProperties": 1, "maxProperties": 256, "description": "The states of the scenario, by name.",
                       "propertyNames": {"$ref": "#/definitions/name"}, "additionalProperties": {"$ref": "#/definitions/state"}},
            "checklist": {"type": "object", "additionalProperties": False, "required": ["pass", "items"],
                          "description": "What the trainee is scored on.",
                          "properties": {
                              "pass": {"type": "object", "additionalProperties": False, "required": ["score"],
                                       "description": "The pass rule: `{score: 80, all_critical: true}`.",
                                       "properties": {"score": {"type": "number", "minimum": 0, "maximum": 100, "description": "The pass mark, 0 to 100."},
                                                      "all_critical": {"$ref": "#/definitions/boolean", "description": "Every critical item must be met to pass (default true)."}}},
                              "partial_credit": {"type": "number", "minimum": 0, "maximum": 1, "description": "Share of an item's points for late or out-of-order (default 0.5)."},
                              "feedback": {"enum": ["live", "end", "none"], "description": "When the trainee sees the checklist: live, end (default) or none."},
                              "items": {"type": "array", "minItems": 1, "maxItems": 512, "items": {"$ref": "#/definitions/item"}, "description": "The checklist items."}}},
            "tissue": {"type": "object", "additionalProperties": False,
                       "description": "A block of soft tissue (skin, fat, muscle) the instruments work on; see docs/tissue.md.",
                       "properties": {
                           "size": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}, "description": "[length, width], e.g. [50 mm, 40 mm]."},
                           "resolution": {"type": "string", "description": "Element size, 1 to 10 mm (default 2.5 mm)."},
                           "layers": {"type": "object", "additionalProperties": False,
                                      "properties": {k: {"type": "object", "additionalProperties": False,
                                                         "properties": {f: {"type": ["string", "number"]} for f in
                                                                        ["thickness", "stiffness", "damping", "volume", "damage_strain", "tear_strain"]}}
                                                     for k in ["skin", "fat", "muscle"]}},
                           "skin_tension": {"type": "string", "description": "Skin pre-strain, 0 to 20 % (default 5 %)."},
                           "tearing": {"$ref": "#/definitions/boolean"},
                           "physics_dt": {"$ref": "#/definitions/duration", "description": "The tissue's step, 0.2 to 5 ms; dt is a whole number of them."},
                           "wound": {"type": "object", "additionalProperties": False, "required": ["from", "to", "depth"],
                                     "description": "A laceration present at the start.",
                                     "properties": {"from": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}},
                                                    "to": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}},
                                                    "depth": {"type": "string"}}}}},
            "model_runs": {"type": "array", "maxItems": 64, "items": {"$ref": "#/definitions/model_run"},
                           "description": "Scripted trainees that prove the checklist works: one that passes and some that fail."},
        },
        "definitions": D,
    }
    return schema


if __name__ == "__main__":
    scrub = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build/scrub")
    json.dump(build(scrub), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
