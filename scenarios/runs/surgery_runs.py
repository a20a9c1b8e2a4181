#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../laceration_repair.yaml (run from anywhere:
`python3 scenarios/runs/surgery_runs.py`). Every run is the textbook repair - five simple
interrupted sutures 8 mm apart, bites 4 mm from the edge reaching below the wound's base, square
instrument ties - changed only in the mistake (or the accepted variant) it demonstrates.

The needle driver holds a 3/8-circle needle of radius 8 mm (docs/tissue.md). With
`roll=-90deg yaw=0deg` the needle's arc stands in the x-z plane, across the wound (which runs
along y at x = 25 mm), and the tip sits at the angle a = -135 deg - pitch from the +x axis about
the pose (the needle's centre). One suture is then:

1. the centre above the entry point, the tip 0.5 mm above the skin, pointing down into it;
2. straight down (the tip enters at 90 degrees) until the tip lies on the circle whose lowest
   point is `depth` below the skin;
3. a turn about the centre (pitch) that carries the tip under the wound to the mirror point on
   the other side;
4. straight up (the tip comes out at 90 degrees), then up to 20 mm;
5. an instrument tie: `throw` actions, then `cut_thread`.

Entry and exit are measured in the tissue's material frame, where the gaping wound has
retracted the skin a little: a planned 4.5 mm from the line measures about 4 mm."""
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
R = 8.0          # mm, the needle's radius
XW = 25.0        # mm, the wound line x (laceration_repair.yaml: from [25, 8] to [25, 48])
WOUND_Y0 = 8.0   # mm, the wound's start


def ts(t):
    m, s = divmod(t, 60.0)
    return f"{int(m)}:{s:05.2f}"


class Run:
    def __init__(self):
        self.lines = []
        self.t = 0.0

    def at(self, dt, text):
        self.t += dt
        self.lines.append(f"{ts(self.t)} {text}")

    def start(self):
        self.lines.append(f"{ts(0)} pick hand=right instrument=needle_driver")
        self.lines.append(f"{ts(0)} pick hand=left instrument=forceps")
        self.t = 0.0

    def suture(self, y, bite=4.5, depth=3.6, shift=0.0, gap=1.0, throws=("clockwise wraps=2", "counterclockwise",
                                                                         "clockwise"), tension=None, tie=True,
               shallow=False):
        """One simple interrupted suture at y (mm): entry on the +x side `bite + shift` from the line,
        exit on the -x side `bite - shift` from it; the arc's lowest point `depth` below the skin.
        shallow: the needle only turned about its centre, 6 mm above the skin (a 1.7 mm deep bite)."""
        if shallow:
            self.shallow_suture(y, gap, throws, tension)
            return
        cx = XW + shift
        cz = R - depth
        half = bite
        if half >= R:
            raise ValueError("bite wider than the needle")
        ze = cz - math.sqrt(R * R - half * half)   # tip height where the circle passes the entry x
        if ze >= -0.1:
            raise ValueError(f"y={y}: a bite of {bite} mm cannot reach {depth} mm with this needle")
        a0 = math.degrees(math.atan2(ze - cz, half))
        a1 = math.degrees(math.atan2(ze - cz, -half))
        p0, p1 = -135.0 - a0, -135.0 - a1
        above = cz + (0.5 - ze)                    # centre height with the tip 0.5 mm above the skin
        self.at(gap, f"move hand=right x={cx:.2f}mm y={y:g}mm z=20mm yaw=0deg pitch={p0:.1f}deg roll=-90deg over=1s")
        self.at(1.0, f"move hand=right z={above:.2f}mm over=0.5s")
        self.at(0.5, f"move hand=right z={cz:.2f}mm over=0.4s")
        self.at(0.4, f"move hand=right pitch={p1:.1f}deg over=1.5s")
        self.at(1.6, f"move hand=right z={above + 1.5:.2f}mm over=0.4s")
        self.at(0.4, "move hand=right z=20mm over=0.3s")
        if not tie:
            return
        ten = f" tension={tension}" if tension else ""
        for i, th in enumerate(throws):
            self.at(0.5 if i == 0 else 0.8, f"throw hand=right direction={th}{ten}")
        self.at(0.8, "cut_thread hand=left")

    def shallow_suture(self, y, gap, throws, tension):
        """Push the tip in 1.5 mm, then turn about a centre 6.06 mm above the skin (the arc's lowest
        point is 8 - 6.06 = 1.9 mm deep): entry and exit about 4.5 mm from the line."""
        self.at(gap, f"move hand=right x=25.73mm y={y:g}mm z=20mm yaw=0deg pitch=-73.1deg roll=-90deg over=1s")
        self.at(1.0, "move hand=right z=7.56mm over=0.5s")
        self.at(0.5, "move hand=right z=6.06mm over=0.3s")
        self.at(0.3, "move hand=right pitch=25deg over=1.5s")
        self.at(1.6, "move hand=right z=20mm over=0.4s")
        ten = f" tension={tension}" if tension else ""
        for i, th in enumerate(throws):
            self.at(0.5 if i == 0 else 0.8, f"throw hand=right direction={th}{ten}")
        self.at(0.8, "cut_thread hand=left")

    def finish(self, dt=1.0):
        self.at(dt, "pick hand=right instrument=none")

    def write(self, name, header):
        path = os.path.join(HERE, f"laceration_{name}.actions")
        with open(path, "w", encoding="utf-8") as f:
            for h in header.strip().splitlines():
                f.write(f"# {h}\n")
            f.write("\n".join(self.lines) + "\n")


TEXTBOOK_Y = [12, 20, 28, 36, 44]   # 4 mm from each wound end (y = 8 and 48 mm), 8 mm apart


def run(name, header, ys=TEXTBOOK_Y, per=None, extra=None, **kw):
    """The textbook repair at the heights ys; per(i, y) overrides one suture's arguments
    (None: the suture is left out); extra(run, i) may add actions before suture i."""
    r = Run()
    r.start()
    for i, y in enumerate(ys):
        args = dict(kw)
        if per:
            o = per(i, y)
            if o is None:
                continue
            args.update(o)
        if extra:
            extra(r, i)
        r.suture(y, **args)
    r.finish()
    r.write(name, header)


def crush(r, i):
    """Before the third suture the forceps press the wound edge 6 mm down (about 12 N)."""
    if i != 2:
        return
    r.at(1.0, "move hand=left x=27mm y=24mm z=10mm over=1s")
    r.at(1.0, "move hand=left z=-6mm over=0.5s")
    r.at(1.0, "move hand=left z=30mm over=0.5s")


def tray(r, i):
    """The needle driver to the tray (x = -250 mm) and back over the wound."""
    r.at(1.0, "move hand=right x=-250mm y=28mm z=60mm over=1s")
    r.at(1.5, "move hand=right x=25mm y=28mm z=20mm over=1s")


def main():
    # accepted ways of doing it
    run("textbook", """
Five sutures 8 mm apart, from 4 mm inside one end of the wound to 4 mm inside the other; bites
about 4.3 mm from the edge reaching 3.4 mm deep (the wound is 3 mm); square instrument ties of
three throws, pulled snug (the default 0.25 N).""")
    run("reverse", "The textbook repair worked from the other end of the wound (y = 44 mm first).",
        ys=TEXTBOOK_Y[::-1])
    run("wider_bites", "Bites about 4.8 mm from the edge instead of 4.3, as deep: within the accepted 3-5 mm.",
        bite=5.0)
    run("halving", "The halving technique: the middle suture first, then the middle of each half, then the ends.",
        ys=[28, 20, 36, 12, 44])
    run("four_throws", "Instrument ties started the other way (counterclockwise) with four alternating throws: still square.",
        throws=("counterclockwise wraps=2", "clockwise", "counterclockwise", "clockwise"))
    # mistakes
    run("near_edge", "Every bite taken about 2 mm from the edge: too little tissue, the suture cuts out.", bite=2.2)
    run("wide", "Every bite taken about 7 mm from the edge: too much tissue in the loop.", bite=7.5, depth=5.7)
    run("uneven", "Entry about 4.8 mm and exit about 3.4 mm from the edge: unequal bites leave a step at the edges.",
        bite=4.35, shift=0.7)
    run("dead_space", """
Bites 4 mm from the edge but only 1.7 mm deep in a 3 mm wound (the needle turned about a centre
6 mm above the skin): the wound's base is left open, dead space where blood collects.""",
        per=lambda i, y: dict(shallow=True))
    run("muscle", "Bites driven 7 mm deep, through the fat into the muscle.", depth=7.0)
    run("too_close", "Three sutures bunched 3 mm apart in the middle of the wound.", ys=[25, 28, 31])
    run("too_far", "Three sutures 16 mm apart: the ends are closed but gaps of 16 mm stay open between them.",
        ys=[12, 28, 44])
    run("too_few", "The three middle sutures only (8 mm apart): 12 mm of the wound left open at each end.",
        ys=[20, 28, 36])
    run("granny", "Two throws the same way on every knot: a granny knot that slips and lets the wound open again.",
        throws=("clockwise wraps=2", "clockwise"))
    run("strangled", "Every knot cinched down hard (0.7 N): the loop squeezes the tissue.", tension="0.7N")
    run("loose", "Every knot barely pulled down (0.1 N): the edges stay apart.", tension="0.1N")
    run("untied", "The third suture is placed but never tied.", per=lambda i, y: dict(tie=False) if i == 2 else {})
    run("one_side", "The third pass enters and exits on the same side of the wound: it holds one edge only.",
        per=lambda i, y: dict(shift=5.5) if i == 2 else {})
    run("crush", "Before the third suture the forceps crush the wound edge (pressed 6 mm into the skin).", extra=crush)
    run("slow", "Twenty-five seconds of hesitation before each suture: four are done when the two minutes run out.",
        gap=25.0)
    run("tray", "The needle driver goes back to the tray, 25 cm to the side, before every suture.", extra=tray)


if __name__ == "__main__":
    main()
