#!/usr/bin/env python3
"""A peer for the upload tests: an HTTP server that misbehaves on purpose, to test the outbox's retries (the real
server is `scrub serve`; this one only plays a network and a server that fail). It takes POST /api/records with
`Authorization: Bearer TOKEN`, keeps each body as STOREDIR/<sha256>.jsonl (written and synced before it answers,
as the real server commits before answering) and answers 201 {"session_id": N, "outcome": "new"|"same"}.

usage: peer.py PORTFILE STOREDIR TOKEN [--drop N] [--unavailable N] [--hang]
  --drop N         close the first N connections without answering (a dropped network)
  --unavailable N  then answer 503 to the next N requests (a server restarting)
  --hang           accept requests and never answer (a peer that stopped mid-way)
A body that is not a session record (its first line lacks "type":"session") gets 400. The port it listens on is
written to PORTFILE; each request is counted in STOREDIR/requests."""
import hashlib
import http.server
import json
import os
import socket
import sys
import time

portfile, store, token = sys.argv[1:4]
opts = sys.argv[4:]
drop = int(opts[opts.index('--drop') + 1]) if '--drop' in opts else 0
unavailable = int(opts[opts.index('--unavailable') + 1]) if '--unavailable' in opts else 0
hang = '--hang' in opts
count = {'n': 0}


def bump(name):
    path = os.path.join(store, name)
    n = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, 'w') as f:
        f.write(str(n))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        count['n'] += 1
        bump('requests')
        if count['n'] <= drop:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if hang:
            time.sleep(3600)
        length = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(length)
        if count['n'] <= drop + unavailable:
            return self.answer(503, {'error': 'unavailable'})
        if self.path != '/api/records':
            return self.answer(404, {'error': 'no such page'})
        if self.headers.get('Authorization') != 'Bearer ' + token:
            return self.answer(401, {'error': 'bad token'})
        if b'"type":"session"' not in body.split(b'\n', 1)[0]:
            return self.answer(400, {'error': 'not a session record'})
        sha = hashlib.sha256(body).hexdigest()
        path = os.path.join(store, sha + '.jsonl')
        outcome = 'same' if os.path.exists(path) else 'new'
        if outcome == 'new':
            with open(path + '.tmp', 'wb') as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.rename(path + '.tmp', path)
        n = len([x for x in os.listdir(store) if x.endswith('.jsonl')])
        self.answer(201, {'session_id': n, 'outcome': outcome})


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
with open(portfile + '.tmp', 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + '.tmp', portfile)
server.serve_forever()
