#!/usr/bin/env python3
"""Writes the action scripts of the model runs of ../bls_aed_adult.yaml (run from anywhere:
`python3 scenarios/runs/bls_runs.py`). Every run follows one timeline - the AHA adult BLS sequence
for a healthcare provider: responsiveness, shout for help and activate the emergency response (the
arrest team, who bring the AED), open the airway, pulse and breathing check of 5-10 s, compressions
at 100-120 /min and 5-6 cm with two breaths after every 30 (a pocket mask), the AED switched on and
its pads attached while compressions go on, "stand clear" for the analysis, one shock (the AED gives
150 J, then 200 J), compressions at once, and a rhythm analysis every 2 minutes - and differs from
the textbook run in the one mistake (or the one accepted variation) it demonstrates. The scenario's
seed fixes the defibrillation draws: with good care the first shock fails and the second converts
(see the comment at `seed:` in the scenario)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = dict(rate=110, depth=55)


def mmss(t):
    m, s = divmod(round(t * 100) / 100, 60)
    m = int(m)
    if abs(s - round(s)) < 1e-9:
        return f"{m}:{int(round(s)):02d}"
    return f"{m}:{s:05.2f}"


def cpr_words(rate, depth, recoil=None):
    w = f"rate={rate}/min depth={depth}mm"
    if recoil is not None:
        w += f" recoil={recoil}%"
    return w


def timeline(order="aha", call="arrest_team", check_kind="pulse", check_len=7, cpr_after=2, cpr=True,
             first=GOOD, resume=GOOD, recoil=None, pads="anterolateral", pads_pause=None, aed_on=True,
             first_shock=60, hands_off="stand_clear", clear_for_analysis=True, pulse_check_after_shock=None,
             jump_asystole_after=None, shock_at_rosc_check=False, rosc_check_after=2, end=720,
             breaths=True, open_airway=True, swap_pause=None, samples=False, breath_pause=5.0):
    """Returns [(time, order, line)]. Times in seconds."""
    ev = []

    def at(t, what):
        ev.append((t, len(ev), what))

    # recognition
    at(3, "check_responsiveness")
    if order == "aha":
        # AHA: shout for help, activate the emergency response and send for the AED, then assess
        if call:
            at(5, f"call_for_help          who={call}")
        if open_airway:
            at(6, "open_airway            method=head_tilt_chin_lift")
        check_at = 8
        at(check_at, f"check_pulse            site=carotid duration={check_len}s")
    else:
        # ERC: open the airway, look-listen-feel for no more than 10 s, then call (phone on speaker)
        if open_airway:
            at(5, "open_airway            method=head_tilt_chin_lift")
        check_at = 6
        at(check_at, f"check_breathing        duration={check_len}s")
        if call:
            at(check_at + check_len + 1, f"call_for_help          who={call}")
    check_end = check_at + check_len
    cpr_at = check_end + cpr_after

    # the rhythm checks: AED analysis every 2 minutes from the first
    checks = []
    t = first_shock
    k = 0
    while t < end - 10:
        k += 1
        checks.append((k, t))
        if rosc_check_after is not None and k == rosc_check_after + 1:
            break
        t += 120
    # with ROSC the run ends with the pulse check; without, CPR goes on until the team takes over
    stop = checks[-1][1] + 10 if rosc_check_after is not None else end

    # compressions: [start, stop, parameters, a stop_cpr line needed at the stop]
    runs = []
    if cpr:
        runs.append([cpr_at, None, first, False])
        if pads_pause is not None:
            # the compressor stops when the AED arrives and waits for the pads, the analysis and the
            # shock: compressions are off for pads_pause seconds up to their restart after the shock
            runs[-1][1], runs[-1][3] = first_shock + 2 - pads_pause, True
    if aed_on:
        at(45, "power_on_aed")
    if pads:
        at(50, f"attach_pads            position={pads}")

    for k, t in checks:
        rosc_check = rosc_check_after is not None and k == rosc_check_after + 1
        if jump_asystole_after is not None and k == jump_asystole_after + 1:
            at(t - 30, "instructor_jump        to=asystole")
        # hands off for the analysis ("stand clear" also pauses compressions)
        if hands_off and clear_for_analysis:
            at(t - 4, hands_off)
            if runs and runs[-1][1] is None:
                runs[-1][1] = t - 4
        at(t - 3, "analyse_rhythm")
        if hands_off and not clear_for_analysis:
            # hands off only once the AED says "shock advised"
            at(t - 2, hands_off)
            if runs and runs[-1][1] is None:
                runs[-1][1] = t - 2
        if not rosc_check or shock_at_rosc_check:
            at(t, f"shock                  energy={'150J' if k == 1 else '200J'}")
        if rosc_check:
            at(t + 3 if shock_at_rosc_check else t - 1, "check_pulse            site=carotid duration=6s")
            break
        if cpr:
            after = t + 2
            if pulse_check_after_shock is not None and k == pulse_check_after_shock:
                at(t + 2, "check_pulse            site=carotid duration=10s")
                after = t + 15
            if hands_off:
                runs.append([after, None, resume, False])
            else:
                # the compressor never stopped: a "restart" that restarts nothing
                at(after, f"start_cpr              {cpr_words(resume['rate'], resume['depth'], recoil)}")
            if swap_pause is not None and hands_off and t + 60 < stop:
                # compressors swap halfway through the cycle, hands off for swap_pause seconds
                runs[-1][1], runs[-1][3] = t + 60, True
                runs.append([t + 60 + swap_pause, None, resume, False])
    if runs and runs[-1][1] is None:
        runs[-1][1] = stop

    # breaths: two after every 30 compressions while there is no advanced airway
    breath_times = []
    if samples:
        for r0, r1, p, _ in runs:
            iv = 60.0 / p["rate"]
            c = r0
            n = 0
            while c < r1 - 1e-9:
                d = p["depth"] + (-3, 1, 3, -1, 2, -2, 0)[n % 7]
                at(c, f"compression            depth={d}mm" + (f" recoil={recoil}%" if recoil is not None else ""))
                n += 1
                if n % 30 == 0 and breaths:
                    breath_times.append(c + 1.5)
                    c += iv + breath_pause
                else:
                    c += iv
    else:
        for r0, r1, p, needs_stop in runs:
            at(r0, f"start_cpr              {cpr_words(p['rate'], p['depth'], recoil)}")
            if needs_stop:
                at(r1, "stop_cpr")
        if breaths:
            b = cpr_at + 17
            while b < stop - 5:
                breath_times.append(b)
                b += 20
            if not cpr:
                breath_times = []
    for b in breath_times:
        if b < stop:
            at(b, "give_breaths           count=2 device=pocket_mask")
    ev.sort()
    return ev


def write(name, header, ev):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# Model run for ../bls_aed_adult.yaml, written by bls_runs.py: " + header + "\n")
        f.write("# time  action                 parameters\n")
        for t, _, what in ev:
            f.write(f"{mmss(t):<7} {what}\n" if len(mmss(t)) >= 7 else f"{mmss(t):<7}{what}\n")


RUNS = [
    # correct runs
    ("bls_textbook.actions", "the textbook resuscitation.", {}),
    ("bls_anteroposterior.actions", "anteroposterior pads.", dict(pads="anteroposterior")),
    ("bls_full_check.actions", "a full 10 s pulse check, compressions 8 s after it ends.",
     dict(check_len=10, cpr_after=8)),
    ("bls_erc_order.actions", "ERC order: breathing check (10 s), then the call, then compressions.",
     dict(order="erc", check_len=10, call="ambulance")),
    ("bls_compressor_swap.actions", "compressors swap halfway through every cycle, hands off 4 s.",
     dict(swap_pause=4)),
    ("bls_two_rescuer_manikin.actions", "two rescuers on a feedback manikin: compression samples, "
     "30:2 with 5 s pauses for the breaths.", dict(samples=True)),
    # classic mistakes
    ("bls_late_first_shock.actions", "the first shock 2:25 after the pulse check ended.", dict(first_shock=160)),
    ("bls_no_cpr_after_shock.actions", "a 10 s pulse check after the first shock instead of compressions.",
     dict(pulse_check_after_shock=1)),
    ("bls_pause_for_pads.actions", "compressions stop for 18 s while the pads go on.", dict(pads_pause=18)),
    ("bls_hands_on.actions", "compressions never stop: analysis and shocks with hands on the chest.",
     dict(hands_off=None)),
    ("bls_no_stand_clear.actions", "compressions stop, but nobody calls \"stand clear\".",
     dict(hands_off="stop_cpr")),
    ("bls_analysis_during_cpr.actions", "the AED analyses while compressions go on; hands off only for the shock.",
     dict(clear_for_analysis=False)),
    ("bls_no_pads.actions", "the shock button pressed with no pads attached.",
     dict(pads=None, rosc_check_after=None)),
    ("bls_misplaced_pads.actions", "both pads on the front of the chest, not in a standard position.",
     dict(pads="misplaced", rosc_check_after=None)),
    ("bls_fast_shallow.actions", "compressions resumed at 140 /min and 3 cm after every shock.",
     dict(resume=dict(rate=140, depth=30))),
    ("bls_shallow.actions", "compressions 3.5 cm deep throughout.",
     dict(first=dict(rate=110, depth=35), resume=dict(rate=110, depth=35))),
    ("bls_leaning.actions", "leaning on the chest: 60 % recoil throughout.", dict(recoil=60)),
    ("bls_no_breaths.actions", "compressions only: no breaths in 30:2.", dict(breaths=False)),
    ("bls_no_airway.actions", "breaths without opening the airway.", dict(open_airway=False)),
    ("bls_long_check.actions", "a 15 s pulse check; compressions 2 s after it ends.", dict(check_len=15)),
    ("bls_no_call.actions", "nobody is called.", dict(call=None)),
    ("bls_bystander_only.actions", "a shout to a bystander; the emergency response is never activated.",
     dict(call="bystander")),
    ("bls_late_compressions.actions", "compressions start 30 s after the pulse check ends.", dict(cpr_after=30)),
    ("bls_shocks_asystole.actions", "the rhythm turns to asystole after the 2nd shock; it is shocked.",
     dict(jump_asystole_after=2, rosc_check_after=None)),
    ("bls_shock_after_rosc.actions", "at the check after ROSC, the shock is pressed without looking.",
     dict(shock_at_rosc_check=True)),
    ("bls_no_compressions.actions", "AED only: no compressions, no breaths.",
     dict(cpr=False, breaths=False)),
]

if __name__ == "__main__":
    for name, header, kw in RUNS:
        write(name, header, timeline(**kw))
