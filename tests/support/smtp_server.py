"""A real SMTP server for the tests: aiosmtpd on a free loopback port, printed on the first line
of stdout. Stores each message byte for byte in a Maildir, answers 451 to recipients starting
with "temp-fail" and 550 to those starting with "reject", and can require AUTH, speak TLS or close
idle connections early.

Run with Debian's /usr/bin/python3 (package python3-aiosmtpd).
"""

import argparse
import asyncio
import itertools
import os
import ssl
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

TEMPORARY_REPLY = "451 4.3.0 Mailbox busy, try again later"
PERMANENT_REPLY = "550 5.1.1 No such mailbox here"


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count()
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("temp-fail"):
            return TEMPORARY_REPLY
        if address.startswith("reject"):
            return PERMANENT_REPLY
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        # Written by hand (tmp/ then new/) so that the bytes stay exactly as received.
        name = f"{time.time_ns()}.{os.getpid()}_{next(self.counter)}.guichet-test"
        temporary = os.path.join(self.maildir, "tmp", name)
        with open(temporary, "wb") as file:
            file.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.maildir, "new", name))
        return "250 2.0.0 Stored"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--auth", help="USER:PASSWORD required before MAIL")
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--idle-timeout", type=float, help="seconds before closing an idle client")
    parser.add_argument("--port", type=int, default=0, help="a port to listen on (0: a free one)")
    args = parser.parse_args()

    handler = Handler(args.maildir)
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = dict(hostname="guichet-test", decode_data=False)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(
            authenticator=authenticator_for(user, password),
            auth_required=True,
            auth_require_tls=False,
        )
    if args.tls == "starttls":
        options["tls_context"] = context
    if args.idle_timeout:
        options["timeout"] = args.idle_timeout

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        "127.0.0.1",
        args.port,
        ssl=context if args.tls == "implicit" else None,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
