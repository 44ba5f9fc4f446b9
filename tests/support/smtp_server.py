"""A real SMTP server for the tests: aiosmtpd on a free loopback port, printed on the first line
of stdout. Stores each message byte for byte in a Maildir, answers 451 to recipients starting
with "temp-fail" and 550 to those starting with "reject", and can require AUTH, speak TLS or close
idle connections early. With --dsn it announces DSN (RFC 3461) in its EHLO reply and writes the
DSN parameters each MAIL and RCPT carried to dsn.jsonl beside the Maildir; with --queue-ids its
reply to the data gives a queue id, as Postfix's does.

Run with Debian's /usr/bin/python3 (package python3-aiosmtpd).
"""

import argparse
import asyncio
import itertools
import json
import os
import ssl
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

TEMPORARY_REPLY = "451 4.3.0 Mailbox busy, try again later"
PERMANENT_REPLY = "550 5.1.1 No such mailbox here"


DSN_MAIL = ("RET", "ENVID")
DSN_RCPT = ("NOTIFY", "ORCPT")


def take_parameters(arg, keywords):
    """Splits `arg` (after MAIL FROM: / RCPT TO:) into what aiosmtpd parses and the DSN
    parameters, which it would refuse with 555."""
    kept, taken = [], {}
    for word in arg.split(" "):
        keyword, _, value = word.partition("=")
        if keyword.upper() in keywords:
            taken[keyword.upper()] = value
        else:
            kept.append(word)
    return " ".join(kept), taken


class DsnSMTP(SMTP):
    """aiosmtpd speaking DSN: the parameters are recorded, then the rest parsed as usual."""

    async def smtp_MAIL(self, arg):
        if arg:
            arg, taken = take_parameters(arg, DSN_MAIL)
            self.session.dsn_mail = taken
        return await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        if arg:
            arg, taken = take_parameters(arg, DSN_RCPT)
            self.session.dsn_rcpt = taken
        return await super().smtp_RCPT(arg)


class Handler:
    def __init__(self, maildir, dsn=False, queue_ids=False):
        self.maildir = maildir
        self.dsn = dsn
        self.queue_ids = queue_ids
        self.counter = itertools.count()
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.dsn:
            responses.insert(len(responses) - 1, "250-DSN")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.dsn:
            record = {
                "mail_from": envelope.mail_from,
                "mail": getattr(session, "dsn_mail", {}),
                "rcpt": address,
                "rcpt_parameters": getattr(session, "dsn_rcpt", {}),
            }
            with open(os.path.join(os.path.dirname(self.maildir), "dsn.jsonl"), "a") as file:
                file.write(json.dumps(record) + "\n")
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
        if self.queue_ids:
            return f"250 2.0.0 Ok: queued as 4F2B{next(self.counter):06X}"
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
    parser.add_argument("--dsn", action="store_true", help="announce DSN and record its parameters")
    parser.add_argument("--queue-ids", action="store_true", help="give a queue id in the reply")
    args = parser.parse_args()

    handler = Handler(args.maildir, dsn=args.dsn, queue_ids=args.queue_ids)
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
        lambda: (DsnSMTP if args.dsn else SMTP)(handler, **options),
        "127.0.0.1",
        args.port,
        ssl=context if args.tls == "implicit" else None,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
