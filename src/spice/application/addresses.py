"""The rule of every address the server reaches on a user's behalf (a dataset URL, a
connector's source): public addresses only, unless the settings allow private ones, so a
user cannot lead the server into its own network."""

from __future__ import annotations

import ipaddress
import socket

from spice.domain.errors import BadRequest

ALLOW = "SPICE_FETCH_PRIVATE_NETWORKS"


def check_host(hostname: str, port: int, allow_private: bool, what: str) -> None:
    """Refuse `hostname` when it resolves to a non-public address (unless allowed) or does
    not resolve; `what` names the source in the message."""
    if allow_private:
        return
    try:
        found = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BadRequest(f"cannot resolve {hostname}: {exc}", {"source": what}) from None
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if not ip.is_global:
            raise BadRequest(
                f"{hostname} is a non-public address ({ip}): the server reaches only public "
                f"addresses unless {ALLOW} is on",
                {"source": what, "address": str(ip)},
            )
