#!/usr/bin/env python3
"""Checks scenario files against docs/scenario.schema.json, as an editor does, and prints each
problem as FILE:LINE:COL: error: MESSAGE.

    python3 docs/check_schema.py FILE.yaml...

It reads YAML as Scrub and editors do (YAML 1.2 core): `on:`, `off`, `yes`, `no` and `1:30` are
text. A plain `yaml.safe_load` reads YAML 1.1, where the key `on:` is the boolean true, and every
transition would get a spurious "True is not allowed"; load with `Yaml12Loader` from this file
when you write your own checks. `scrub validate` checks more (names that refer to each other,
units in conditions, model runs) and has the last word.

Needs the Python packages jsonschema and pyyaml. Exit status 0 when every file conforms to the
schema, 1 when one does not, 2 when a file cannot be read or parsed.
"""
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parent / "scenario.schema.json"


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where `on`, `off`, `yes`, `no` are booleans and `1:30` is the
    number 90. Editors (and Scrub) read YAML 1.2 core, where they are text. Resolve like 1.2."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                                                   "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                   list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def locate(node, path):
    """The line and column (1-based) of the node at `path` in a composed YAML tree."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            nxt = node.value[step]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1, node.start_mark.column + 1


def check(path, validator):
    """Prints the file's problems; returns 0, 1 (does not conform) or 2 (unreadable)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        doc = yaml.load(text, Loader=Yaml12Loader)
        tree = yaml.compose(text, Loader=Yaml12Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        print(f"{path}: error: cannot read it as YAML: {e}".replace("\n", " "))
        return 2
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    for e in errors:
        line, col = locate(tree, list(e.absolute_path))
        msg = e.message if len(e.message) <= 300 else e.message[:297] + "..."
        where = "/".join(str(p) for p in e.absolute_path) or "the file"
        print(f"{path}:{line}:{col}: error: {msg} (at {where})")
    return 1 if errors else 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) >= 2 else 2
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    worst = 0
    for path in sys.argv[1:]:
        rc = check(path, validator)
        if rc == 0:
            print(f"{path}: conforms to the schema")
        worst = max(worst, rc)
    return worst


if __name__ == "__main__":
    sys.exit(main())
