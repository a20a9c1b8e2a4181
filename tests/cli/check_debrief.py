#!/usr/bin/env python3
"""Checks one debrief page (scrub report --html) against the record and the report it was made from.

usage: check_debrief.py PAGE.html SESSION.jsonl REPORT.json [--incomplete] [--raw TEXT]...

- well-formed: every element is closed in order (void elements excepted), no stray end tag, no '<' left in text;
- self-contained: no address that leaves the page (src, href other than #..., url(), @import, http:, //);
- the header: the report's score, passed or not, complete or incomplete (--incomplete: must say Incomplete);
- each checklist item of the report, with its status;
- an SVG per vital sign the record has (hr, blood pressure, spo2, etco2, rr), and CPR quality when the report has it;
- the events marked: one timeline row and one mark per recorded action, state change, decision and end;
- the monitor's data: valid JSON, the record's waveform samples and variables;
- --raw TEXT: TEXT (from the record, e.g. a trainee's name) must appear only escaped.
Exit status 0 when every check passes; each failure is printed.
"""
import html
import html.parser
import json
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# elements whose end tag the parser must find (html.parser does not infer any)


class Strict(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.errors, self.elements = [], [], []
        self.raw = None  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.stack)))

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag of a void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}> (line {self.getpos()[0]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("script", "style"):
            return
        if "<" in data or ">" in data:
            self.errors.append(f"unescaped '<' or '>' in text at line {self.getpos()[0]}: {data[:60]!r}")

    def handle_entityref(self, name):
        if name not in ("amp", "lt", "gt", "quot", "middot", "minus", "nbsp"):
            self.errors.append(f"unknown entity &{name};")

    def unknown_decl(self, data):
        self.errors.append(f"unknown declaration {data[:40]!r}")


def esc(s):
    return html.escape(s, quote=True).replace("&#x27;", "&#39;")


def figure_tags(elements, i):
    """The tags inside the figure that starts at elements[i]."""
    depth = elements[i][2]
    tags = []
    for t, _, d in elements[i + 1:]:
        if d <= depth:
            break
        tags.append(t)
    return tags


def main(argv):
    args = argv[1:]
    incomplete = "--incomplete" in args
    raws = [args[i + 1] for i, a in enumerate(args) if a == "--raw"]
    page_path, record_path, report_path = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--raw")][:3]
    page = open(page_path, encoding="utf-8").read()
    report = json.load(open(report_path, encoding="utf-8"))
    record = [json.loads(line) for line in open(record_path, encoding="utf-8") if line.strip().startswith("{") and line.strip().endswith("}")]
    fails = []

    p = Strict()
    p.feed(page)
    p.close()
    fails += p.errors
    if p.stack:
        fails.append(f"elements never closed: {p.stack}")
    if not page.startswith("<!DOCTYPE html>"):
        fails.append("not a whole HTML document")

    # self-contained
    for tag, attrs, _ in p.elements:
        for a in ("src", "href", "action", "xlink:href", "srcset", "poster", "data"):
            v = attrs.get(a)
            if v is not None and not v.startswith("#"):
                fails.append(f"<{tag} {a}={v!r}> leaves the page")
    for pat in (r"url\(", r"@import", r"https?:", r"\bsrc\s*=", r"fetch\(", r"XMLHttpRequest", r"//[a-z0-9]"):
        m = re.search(pat, page, re.I)
        if m:
            fails.append(f"{pat!r} in the page: ...{page[max(0, m.start() - 40):m.end() + 40]!r}")

    text = re.sub(r"<[^>]*>", " ", page)
    # the header
    score = report["score"]
    score_txt = (f"{score:.1f}".rstrip("0").rstrip(".")) if isinstance(score, float) else str(score)
    if f'<span class="dbf-score">{score_txt}</span>' not in page:
        fails.append(f"the score {score_txt} is not in the header")
    verdict = "Passed" if report["passed"] else "Not passed"
    if f'<span class="dbf-pf">{verdict}</span>' not in page:
        fails.append(f"the header does not say {verdict}")
    says_incomplete = '<span class="dbf-inc">Incomplete</span>' in page
    if incomplete != says_incomplete or report["complete"] == says_incomplete:
        fails.append(f"complete/incomplete: expected {'incomplete' if incomplete else 'complete'}, the page says {'incomplete' if says_incomplete else 'complete'}")
    if esc(report["scenario"]["title"]) not in page:
        fails.append("the scenario's title is missing")

    # the checklist
    rows = {attrs.get("data-item"): i for i, (tag, attrs, _) in enumerate(p.elements) if tag == "tr" and "data-item" in attrs}
    for item in report["items"]:
        i = rows.get(item["id"])
        if i is None:
            fails.append(f"checklist item {item['id']} is missing")
            continue
        badge = next((a for t, a, _ in p.elements[i + 1:i + 4] if t == "span" and "data-status" in a), None)
        if not badge or badge["data-status"] != item["status"]:
            fails.append(f"checklist item {item['id']}: status {badge and badge['data-status']}, expected {item['status']}")
        if item.get("note") and esc(item["note"]) not in page:
            fails.append(f"checklist item {item['id']}: its why ({item['note']!r}) is not shown")

    # the plots
    figures = {a.get("data-var"): i for i, (t, a, _) in enumerate(p.elements) if t == "figure"}
    names = set()
    for line in record:
        if line.get("type") == "vars":
            names.update(k for k, v in line["values"].items() if isinstance(v, (int, float)))
    for var, fig in (("hr", "hr"), ("sbp", "bp"), ("spo2", "spo2"), ("etco2", "etco2"), ("rr", "rr")):
        if var in names:
            i = figures.get(fig)
            if i is None or "svg" not in figure_tags(p.elements, i):
                fails.append(f"no SVG plot of {var}")
    if "cpr_quality" in report and ('id="dbf-cpr"' not in page or "cpr" not in figures):
        fails.append("the report has CPR quality; the page has no CPR section with its plot")
    for t, a, _ in p.elements:
        if t == "path" and a.get("class") == "dbf-line":
            n = len(re.findall(r"[ML]", a["d"]))
            if n > 2000:
                fails.append(f"a plotted series has {n} points (more than 2000)")

    # the events
    kinds = {"action": "dbf-ev-action", "state": "dbf-ev-state", "item": "dbf-ev-item", "end": "dbf-ev-end"}
    for kind, cls in kinds.items():
        n_rec = sum(1 for line in record if line.get("type") == kind)
        n_rows = sum(1 for t, a, _ in p.elements if t == "tr" and cls in a.get("class", "").split())
        if n_rec != n_rows:
            fails.append(f"{n_rec} {kind} lines in the record, {n_rows} timeline rows")
    n_act = sum(1 for line in record if line.get("type") == "action")
    marks = sum(1 for t, a, _ in p.elements if t == "rect" and "dbf-act" in a.get("class", "").split())
    if marks != n_act:
        fails.append(f"{n_act} actions, {marks} action marks on the strip")
    n_dec = sum(1 for line in record if line.get("type") == "item")
    if sum(1 for t, a, _ in p.elements if t == "circle" and a.get("class") == "dbf-dec") != n_dec:
        fails.append("not every checklist decision is marked on the strip")

    # the monitor's data
    m = re.search(r'<script type="application/json" class="dbf-data">(.*?)</script>', page, re.S)
    if not m:
        fails.append("no monitor data")
    else:
        data = json.loads(m.group(1))
        samples = sum(len(line["ecg_mv"]) for line in record if line.get("type") == "waves")
        if samples and len(data.get("ecg", [])) < min(samples, 60000):
            fails.append(f"the monitor has {len(data.get('ecg', []))} ECG samples; the record {samples}")
        for var in names:
            if var not in data["v"]:
                fails.append(f"the monitor lacks the variable {var}")

    for raw in raws:
        if raw in page:
            fails.append(f"{raw!r} appears unescaped")
        if esc(raw) not in page:
            fails.append(f"{raw!r} does not appear escaped")

    for f in fails:
        print(f"FAIL: {page_path}: {f}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
