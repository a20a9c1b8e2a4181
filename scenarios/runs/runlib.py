"""Shared helpers of the run generators of the medical-emergency scenarios (bradycardia, opioid
overdose, hypoglycaemia, haemorrhagic shock, paediatric arrest): a timeline of (time, action line)
events, written as an action script (docs/action-scripts.md) with a header naming its generator."""
import os


def mmss(t):
    """Seconds as m:ss (or h:mm:ss from an hour on)."""
    t = int(round(t))
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Timeline:
    """Events at times in seconds; equal times keep the order they were added in."""

    def __init__(self):
        self.ev = []

    def at(self, t, line):
        if t is not None:
            self.ev.append((t, len(self.ev), line))

    def lines(self):
        return [(t, line) for t, _, line in sorted(self.ev)]


def write(here, scenario, generator, name, header, timeline):
    with open(os.path.join(here, name), "w") as f:
        f.write(f"# Model run for ../{scenario}, written by {generator}: {header}\n")
        for t, line in timeline.lines():
            f.write(f"{mmss(t):<8}{line}\n")


def main(here, scenario, generator, runs, build):
    """Writes every run: runs is [(file name, header, keyword arguments of build)]."""
    for name, header, kw in runs:
        write(here, scenario, generator, name, header, build(**kw))
