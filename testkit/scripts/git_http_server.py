#!/usr/bin/env python3
"""Smart-HTTP git server for Kiln's tests.

Runs `git http-backend` as a CGI program for each request, on 127.0.0.1 only, with
optional HTTP Basic auth taken from the KILN_GIT_AUTH environment variable
("user:password"). Binds a free port and writes it to --port-file once listening.
Started and stopped by kiln-testkit's GitServer; not meant to be run by hand.
"""

import argparse
import base64
import hmac
import os
import subprocess
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REALM = "kiln-test"


class GitHandler(BaseHTTPRequestHandler):
    """Passes GET and POST requests to `git http-backend`."""

    protocol_version = "HTTP/1.1"
    server_version = "kiln-git-server/1"

    def do_GET(self):
        self.serve_git()

    def do_POST(self):
        self.serve_git()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stderr.flush()

    def serve_git(self):
        body = self.read_body()
        user = self.authenticate()
        if user is False:
            return
        path, _, query = self.path.partition("?")
        path = urllib.parse.unquote(path)
        if ".." in path.split("/"):
            self.send_plain(404, b"not found\n")
            return
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROJECT_ROOT": self.server.repo_root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": self.client_address[0],
        }
        for header, var in (
            ("Content-Type", "CONTENT_TYPE"),
            ("Content-Encoding", "HTTP_CONTENT_ENCODING"),
            ("Git-Protocol", "GIT_PROTOCOL"),
        ):
            value = self.headers.get(header)
            if value:
                env[var] = value
        if os.environ.get("GIT_CONFIG_GLOBAL"):
            env["GIT_CONFIG_GLOBAL"] = os.environ["GIT_CONFIG_GLOBAL"]
        if user:
            env["REMOTE_USER"] = user
        result = subprocess.run(
            [self.server.git, "http-backend"],
            input=body,
            capture_output=True,
            env=env,
            check=False,
        )
        if result.stderr:
            sys.stderr.write(result.stderr.decode("utf-8", "replace"))
            sys.stderr.flush()
        self.send_cgi_output(result.stdout)

    def read_body(self):
        """Reads the whole request body (Content-Length or chunked)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def authenticate(self):
        """Returns the user name, None without auth, or False after answering 401."""
        expected = self.server.auth
        if expected is None:
            return None
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                given = base64.b64decode(header[6:].strip(), validate=True)
            except ValueError:
                given = b""
            if hmac.compare_digest(given, expected):
                return given.split(b":", 1)[0].decode("utf-8", "replace")
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="%s"' % REALM)
        self.send_header("Content-Type", "text/plain")
        message = b"authentication required\n"
        self.send_header("Content-Length", str(len(message)))
        self.end_headers()
        self.wfile.write(message)
        return False

    def send_cgi_output(self, output):
        """Turns CGI output (headers, blank line, body) into an HTTP response."""
        ends = [
            (index, width)
            for index, width in ((output.find(b"\r\n\r\n"), 4), (output.find(b"\n\n"), 2))
            if index >= 0
        ]
        if not ends:
            self.send_plain(500, b"git http-backend printed no headers\n")
            return
        separator, skip = min(ends)
        head = output[:separator].decode("latin-1")
        payload = output[separator + skip:]
        status, reason = 200, "OK"
        headers = []
        for line in head.splitlines():
            name, _, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if name.lower() == "status":
                code, _, text = value.partition(" ")
                status, reason = int(code), text or None
            elif name and name.lower() not in ("content-length", "transfer-encoding"):
                headers.append((name, value))
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_plain(self, status, message):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(message)))
        self.end_headers()
        self.wfile.write(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="directory holding the bare repos")
    parser.add_argument("--port-file", required=True, help="where to write the port")
    parser.add_argument("--git", default="git", help="git binary")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHandler)
    server.daemon_threads = True
    server.repo_root = os.path.abspath(args.root)
    server.git = args.git
    auth = os.environ.get("KILN_GIT_AUTH")
    server.auth = auth.encode("utf-8") if auth else None

    partial = args.port_file + ".tmp"
    with open(partial, "w", encoding="ascii") as handle:
        handle.write("%d\n" % server.server_address[1])
    os.replace(partial, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
