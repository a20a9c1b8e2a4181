#!/usr/bin/env python3
"""scrub serve over HTTP on localhost: accounts, login, CSRF, roles, limits, paths, the upload API, filters, CSV.

usage: test_serve.py SCRUB SRCROOT

Makes its own store in a temporary folder, records from `scrub run`, accounts with `scrub serve users add`, starts
`scrub serve` on a free local port and talks to it with http.client (nothing leaves 127.0.0.1)."""
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixture  # noqa: E402

SCRUB, ROOT = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def scrub(*args, stdin=None):
    r = subprocess.run([SCRUB, *args], input=stdin, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit(f"scrub {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


class Server:
    def __init__(self, store, *extra):
        self.port = free_port()
        self.proc = subprocess.Popen([SCRUB, "serve", "--store", store, "--listen", f"127.0.0.1:{self.port}",
                                      "--threads", "4", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if "listening" not in line:
            self.proc.kill()
            sys.exit("scrub serve did not start: " + line + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=30)
        check(rc == 0, f"scrub serve ends with 0 on SIGTERM (got {rc})")


class Client:
    """One browser: keeps its cookie."""

    def __init__(self, port):
        self.port = port
        self.cookie = None

    def req(self, method, path, body=None, headers=None, raw_path=False):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if raw_path:
            c.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            for k, v in h.items():
                c.putheader(k, v)
            if body is not None:
                c.putheader("Content-Length", str(len(body)))
            c.endheaders(body.encode() if isinstance(body, str) else body)
        else:
            c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        r.body = data.decode("utf-8", "replace")
        sc = r.getheader("Set-Cookie")
        if sc and sc.startswith("scrub_session="):
            v = sc.split(";")[0]
            self.cookie = None if v == "scrub_session=" else v
        c.close()
        return r

    def login(self, name, pw):
        return self.req("POST", "/login", {"name": name, "password": pw},
                        {"Origin": f"http://127.0.0.1:{self.port}"})

    def csrf(self, path="/sessions"):
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', self.req("GET", path).body)
        return m.group(1) if m else None


def session_ids(body):
    return [int(x) for x in re.findall(r'href="/sessions/(\d+)">Debrief', body)]


def main():
    tmp = tempfile.mkdtemp(prefix="scrub-serve-test-")
    fx = fixture.make(SCRUB, ROOT, tmp)
    store, token = fx["store"], fx["token"]
    recs = []
    for path in fx["records"]:
        with open(path, "rb") as f:
            recs.append(f.read())
    r = subprocess.run([SCRUB, "serve", "users", "add", "eve", "--role", "trainee", "--store", store],
                       input="short\n", capture_output=True, text=True)
    check(r.returncode == 2, "a password under 8 characters is refused")
    check(re.fullmatch(r"[0-9a-f]{64}", token) is not None, "token add prints a 64-hex token")

    srv = Server(store, "--max-upload-mb", "1")
    port = srv.port
    anon = Client(port)
    try:
        # ---- the upload API ----
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/x-ndjson"}
        ids = []
        for rec in recs:
            r = anon.req("POST", "/api/records", rec, auth)
            check(r.status == 201 and '"outcome":"new"' in r.body, f"upload of a new record: 201 new ({r.status} {r.body.strip()})")
            ids.append(int(re.search(r'"session_id":(\d+)', r.body).group(1)))
        r = anon.req("POST", "/api/records", recs[0], auth)
        check(r.status == 200 and '"outcome":"same"' in r.body, f"the same record again: 200 same ({r.status})")
        r = anon.req("POST", "/api/records", b"this is not a record\n", auth)
        check(r.status == 400 and "error" in r.body, f"an invalid record: 400 with a reason ({r.status} {r.body.strip()})")
        r = anon.req("POST", "/api/records", recs[0], {"Authorization": "Bearer " + "0" * 64})
        check(r.status == 401, f"an unknown upload token: 401 ({r.status})")
        r = anon.req("POST", "/api/records", recs[0])
        check(r.status == 401, f"no upload token: 401 ({r.status})")
        r = anon.req("POST", "/api/records", b"x" * (1024 * 1024 + 10), auth)
        check(r.status == 413, f"an upload over --max-upload-mb: 413 ({r.status})")
        r = anon.req("GET", "/api/records")
        check(r.status == 405, f"GET /api/records: 405 ({r.status})")
        a1, a2, a3, b1 = ids

        # ---- login ----
        r = anon.req("GET", "/sessions")
        check(r.status == 303 and r.getheader("Location") == "/login", "a page without login sends to /login")
        r = anon.login("ins", "wrong password")
        check(r.status == 401 and anon.cookie is None, f"a wrong password: 401, no cookie ({r.status})")
        r = anon.login("nobody", "whatever1")
        check(r.status == 401 and anon.cookie is None, "an unknown name: 401, the same answer")
        ins = Client(port)
        t0 = time.monotonic()
        r = ins.login("ins", "pw-ins-12345")
        login_ms = (time.monotonic() - t0) * 1000
        sc = r.getheader("Set-Cookie") or ""
        check(r.status == 303 and ins.cookie is not None, f"login: 303 with a cookie ({r.status}, {login_ms:.0f} ms)")
        check("HttpOnly" in sc and "SameSite=Strict" in sc and "Secure" not in sc, "cookie HttpOnly, SameSite=Strict")
        r = ins.login("ins", "pw-ins-12345")   # a second session for the same user is fine
        r = ins.req("POST", "/login", {"name": "ins", "password": "pw-ins-12345"}, {"Origin": "http://evil.example"})
        check(r.status == 403, f"login from another Origin: 403 ({r.status})")

        # ---- headers on every page ----
        r = ins.req("GET", "/sessions")
        csp = r.getheader("Content-Security-Policy") or ""
        check(r.status == 200, "instructor: /sessions 200")
        check("frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "script-src 'nonce-" in csp,
              "CSP: default-src self, script nonce, frame-ancestors none")
        check(r.getheader("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: nosniff")

        # ---- roles ----
        listed = session_ids(r.body)
        check(sorted(listed) == sorted([a1, a2, a3]), f"instructor sees exactly the cohort's sessions ({listed})")
        check(ins.req("GET", f"/sessions/{b1}").status == 404, "instructor: another cohort's session is 404")
        check(ins.req("GET", f"/sessions/{a1}").status == 200, "instructor: a cohort trainee's debrief is 200")
        check(ins.req("GET", "/trainees/bob").status == 404, "instructor: /trainees/bob (not in cohort) is 404")
        check(ins.req("GET", "/sessions/999999").status == 404, "a session that does not exist is 404")
        alice = Client(port)
        alice.login("alice", "pw-alice-12345")
        r = alice.req("GET", "/sessions")
        check(sorted(session_ids(r.body)) == sorted([a1, a2, a3]), "trainee sees only her own sessions")
        check(alice.req("GET", f"/sessions/{b1}").status == 404, "trainee A cannot see B's session: 404")
        check(alice.req("GET", "/trainees/bob").status == 404, "trainee A cannot see B's progress: 404")
        check(alice.req("GET", "/trainees/alice").status == 200, "trainee sees her own progress")
        check(alice.req("GET", "/scenarios/bls-aed-adult").status == 403, "trainee: the cohort page is 403")
        ins2 = Client(port)
        ins2.login("ins2", "pw-ins2-12345")
        check(session_ids(ins2.req("GET", "/sessions").body) == [], "an instructor without a cohort sees nothing")
        root = Client(port)
        root.login("root", "pw-root-12345")
        check(sorted(session_ids(root.req("GET", "/sessions").body)) == sorted(ids), "admin sees every session")
        check(root.req("GET", f"/sessions/{b1}").status == 200, "admin: any debrief")

        # ---- CSRF and notes ----
        tok = ins.csrf(f"/sessions/{a1}")
        check(tok is not None, "the debrief carries the note form's CSRF token for an instructor")
        note = "Check the <script>alert(1)</script> pause before the shock"
        path = f"/sessions/{a1}/notes"
        r = ins.req("POST", path, {"t": "1:05", "text": note})
        check(r.status == 403, f"a note without the CSRF token: 403 ({r.status})")
        r = ins.req("POST", path, {"t": "65", "text": note, "csrf": "f" * 64})
        check(r.status == 403, f"a note with a wrong CSRF token: 403 ({r.status})")
        r = ins.req("POST", path, {"t": "65", "text": note, "csrf": alice.csrf()})
        check(r.status == 403, f"a note with another login's CSRF token: 403 ({r.status})")
        r = ins.req("POST", path, {"t": "65", "text": note, "csrf": tok}, {"Origin": "http://evil.example"})
        check(r.status == 403, f"a note from another Origin: 403 ({r.status})")
        r = ins.req("GET", path + "?t=65&text=x&csrf=" + tok)
        check(r.status in (404, 405), f"a note by GET changes nothing ({r.status})")
        r = ins.req("POST", path, {"t": "1:05", "text": note, "csrf": tok}, {"Origin": f"http://127.0.0.1:{port}"})
        check(r.status == 303, f"a note with the token: 303 ({r.status})")
        r = ins.req("POST", f"/sessions/{b1}/notes", {"t": "1", "text": "x", "csrf": tok})
        check(r.status == 404, f"a note on another cohort's session: 404 ({r.status})")
        r = alice.req("POST", path, {"t": "1", "text": "x", "csrf": alice.csrf()})
        check(r.status == 403, f"a trainee cannot add notes: 403 ({r.status})")
        body = alice.req("GET", f"/sessions/{a1}").body
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body,
              "the trainee sees the note, escaped")
        r = ins.req("POST", "/logout", {"csrf": "0" * 64})
        check(r.status == 403, "logout without the token: 403")

        # ---- bounded bodies and headers ----
        r = anon.req("POST", "/login", {"name": "x", "password": "y" * (70 * 1024)})
        check(r.status == 413, f"a form over 64 KiB: 413 ({r.status})")
        r = anon.req("GET", "/sessions", headers={"X-Big": "a" * 20000})
        check(r.status in (413, 431, 400), f"headers over 16 KiB are refused ({r.status})")

        # ---- paths never reach files ----
        for p in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fmeson.build",
                  "/static/%2e%2e/%2e%2e/meson.build", "/sessions/1%00.html", "/static/scrub.css%00.txt",
                  "/meson.build", "/app/serve/serve.h", "/static/../meson.build", "/..%5c..%5cetc/passwd"]:
            r = root.req("GET", p, raw_path=True)
            leak = "root:x:" in r.body or "project(" in r.body or "#ifndef" in r.body
            check(r.status in (400, 404) and not leak, f"GET {p}: {r.status}, no file")
        r = root.req("PUT", "/sessions")
        check(r.status == 405, f"PUT: 405 ({r.status})")

        # ---- filters ----
        def listed_for(q):
            return sorted(session_ids(root.req("GET", "/sessions?" + q).body))
        check(listed_for("trainee=alice") == sorted([a1, a2, a3]), "filter by trainee")
        check(listed_for("scenario=anaphylaxis-adult") == [a3], "filter by scenario")
        check(listed_for("trainee=alice&scenario=bls-aed-adult&result=passed") == [a1], "filter passed")
        check(listed_for("trainee=alice&scenario=bls-aed-adult&result=failed") == [a2], "filter failed")
        check(listed_for("state=incomplete") == [], "filter incomplete: none")
        check(listed_for("state=complete") == sorted(ids), "filter complete: all")
        check(listed_for("from=2999-01-01") == [], "filter from a future date: none")
        check(listed_for("to=1999-12-31") == [], "filter to a past date: none")
        check(listed_for("from=2000-01-01&to=2999-12-31") == sorted(ids), "filter by a date range")
        check(listed_for("trainee=%3Cb%3E") == [], "filter by an unknown name")
        body = root.req("GET", "/sessions?trainee=%3Cscript%3E").body
        check("<script>" not in body.split("</header>")[1], "a filter value is escaped in the form")

        # ---- the pages ----
        r = ins.req("GET", "/scenarios/bls-aed-adult")
        check(r.status == 200 and r.body.count("<svg") >= 2, "cohort page: 200 with its SVG plots")
        check("pass rate" in r.body.lower() and 'id="by-attempt"' in r.body, "cohort page: pass rate by attempt")
        r = ins.req("GET", "/trainees/alice")
        check(r.status == 200 and "<svg" in r.body and 'id="missed"' in r.body, "trainee page: plot and missed items")
        r = ins.req("GET", "/scenarios/bls-aed-adult.csv")
        rows = [x for x in r.body.split("\r\n") if x]
        check(r.status == 200 and (r.getheader("Content-Type") or "").startswith("text/csv"), "CSV: text/csv")
        check(rows[0].startswith("session_id,trainee,") and len(rows) == 3,
              f"CSV: a header and the cohort's 2 BLS sessions ({len(rows) - 1} rows)")
        check(all(",bob," not in x for x in rows), "CSV: only the cohort's trainees")
        r = root.req("GET", "/scenarios/bls-aed-adult.csv")
        check(len([x for x in r.body.split("\r\n") if x]) == 4, "CSV as admin: all 3 BLS sessions")
        check(root.req("GET", "/scenarios/no-such-scenario").status == 404, "an unknown scenario: 404")
        r = root.req("GET", "/static/scrub.css")
        check(r.status == 200 and "text/css" in (r.getheader("Content-Type") or ""), "the style sheet is served")

        # ---- logout ----
        tok = ins.csrf()
        old = ins.cookie
        r = ins.req("POST", "/logout", {"csrf": tok})
        check(r.status == 303 and ins.cookie is None, "logout clears the cookie")
        ins.cookie = old
        r = ins.req("GET", "/sessions")
        check(r.status == 303, "the old cookie no longer signs in after logout")
    finally:
        srv.stop()

    # ---- the login rate limit (a server of its own: 3 a minute) ----
    srv = Server(store, "--login-rate", "3")
    try:
        for attempt in range(2):   # a minute boundary in the middle can reset the window once
            c = Client(srv.port)
            codes = [c.login("ins", "wrong").status for _ in range(5)]
            if 429 in codes:
                break
        check(codes[:3] == [401] * 3 and codes[3:] == [429, 429], f"login rate limit: 401 x3 then 429 ({codes})")
        r = c.login("ins", "pw-ins-12345")
        check(r.status == 429 and r.getheader("Retry-After") == "60", "over the limit even the right password waits")
    finally:
        srv.stop()

    print(f"login with Argon2id (interactive limits): {login_ms:.0f} ms")
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)
    print("all passed")


main()
