"""A stand-in for kitevend in the hook tests: answers every POST with --status and the JSON in
--body-file, so that tests can give the hook answers kitevend itself would never send.
Prints its port on stdout and counts requests in --log."""
import argparse
import http.server
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--body-file", required=True)
parser.add_argument("--status", type=int, default=200)
parser.add_argument("--log", required=True)
args = parser.parse_args()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(args.log, "a") as f:
            f.write("request\n")
        with open(args.body_file, "rb") as f:
            payload = f.read()
        self.send_response(args.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()
