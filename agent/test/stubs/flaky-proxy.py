"""A proxy in front of the vending URL for the hook tests: answers the first --fail-count POSTs
with --fail-status (and a Retry-After header), then passes requests through to --upstream.
Prints its port on stdout and logs every request to --log."""
import argparse
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--upstream", required=True)
parser.add_argument("--fail-status", type=int, default=503)
parser.add_argument("--fail-count", type=int, default=1)
parser.add_argument("--retry-after", default="1")
parser.add_argument("--log", required=True)
args = parser.parse_args()
lock = threading.Lock()
seen = {"count": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            seen["count"] += 1
            n = seen["count"]
        with open(args.log, "a") as f:
            f.write(f"request {n}\n")
        if n <= args.fail_count:
            problem = json.dumps({"type": "urn:kitevend:problem:test", "title": "Injected failure",
                                  "status": args.fail_status, "code": "injected", "request_id": f"proxy-{n}"}).encode()
            self.send_response(args.fail_status)
            self.send_header("Content-Type", "application/problem+json")
            if args.retry_after:
                self.send_header("Retry-After", args.retry_after)
            self.send_header("Content-Length", str(len(problem)))
            self.end_headers()
            self.wfile.write(problem)
            return
        req = urllib.request.Request(args.upstream, data=body, method="POST",
                                     headers={k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, payload, ctype = r.status, r.read(), r.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as e:
            status, payload, ctype = e.code, e.read(), e.headers.get("Content-Type", "application/json")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()
