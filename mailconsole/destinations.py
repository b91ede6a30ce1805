"""Where the service may open a connection for a tenant: the mail server of a connection test, a save or a send.

A tenant types the host, so without a rule the service is a door into the network it runs in: loopback services,
the private network, cloud metadata at 169.254.169.254. Addresses outside the public internet (loopback, private,
link-local, shared, multicast, reserved, documentation) are refused once the service listens on anything but
loopback, unless the operator allows them with ``MAILCONSOLE_SMTP_ALLOW_PRIVATE``: ``true``, ``false``, or a
comma-separated list of host names and networks (``mail.internal,10.1.0.0/16``). Unset, a service listening on
loopback only allows them, so the console's embedded default keeps reaching a local mail catcher. A name is judged
by every address it resolves to, and the caller connects to an address it checked (no second lookup to rebind).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from mailconsole.addresses import check_host, is_ip, is_loopback
from mailconsole.i18n import LocalizedValueError, localized

SETTING = "MAILCONSOLE_SMTP_ALLOW_PRIVATE"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class DestinationRefused(LocalizedValueError):
    """A mail server address the operator has not allowed; the message names the setting that allows it."""


def is_special(address: str) -> bool:
    """Not a public internet address: loopback, private, link-local, shared (CGNAT), multicast, reserved..."""
    ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class DestinationPolicy:
    """Which special addresses may be reached: all of them, or those of the named hosts and networks."""

    allow_all: bool
    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    def check(self, host: str, addresses: Iterable[str]) -> None:
        """DestinationRefused unless every address ``host`` resolved to may be reached."""
        if self.allow_all or host.lower().rstrip(".") in self.hosts:
            return
        for address in addresses:
            if is_special(address) and not self._in_networks(address):
                shown = host if host == address else f"{host} ({address})"
                raise DestinationRefused(
                    localized(
                        "{host} is not a public internet address (loopback, private, link-local or another special "
                        "range), and this service does not connect there unless its operator allows it with "
                        "{setting} (true, or a list of allowed hosts and networks such as mail.internal,10.0.0.0/8)",
                        host=shown,
                        setting=SETTING,
                    )
                )

    def check_host(self, host: str) -> None:
        """The check possible without resolving (when a setting is saved): IP literals and localhost names."""
        if is_ip(host):
            self.check(host, [host.strip("[]")])
        elif is_loopback(host):
            self.check(host, ["127.0.0.1"])

    def _in_networks(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        return any(ip.version == network.version and ip in network for network in self.networks)


AllowPrivate = bool | tuple[str, ...] | None


def parse_allow_private(value: object) -> AllowPrivate:
    """The setting as given: unset, a yes or no, or a comma-separated list of hosts and networks (each checked)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise ValueError(f"{SETTING}: give true, false, or a comma-separated list of hosts and networks")
    items = [str(item).strip() for item in value if str(item).strip()]
    if not items:
        return None
    if len(items) == 1 and items[0].lower() in ("true", "false", "1", "0", "yes", "no"):
        return items[0].lower() in ("true", "1", "yes")
    for item in items:
        _network(item) if "/" in item or is_ip(item) else _host(item)
    return tuple(items)


def destination_policy(allow_private: AllowPrivate, *, loopback_only: bool) -> DestinationPolicy:
    """The operator's setting wins; unset, special addresses are allowed only while the service listens on loopback
    only."""
    if allow_private is None:
        return DestinationPolicy(allow_all=loopback_only)
    if isinstance(allow_private, bool):
        return DestinationPolicy(allow_all=allow_private)
    networks = [_network(item) for item in allow_private if "/" in item or is_ip(item)]
    hosts = frozenset(_host(item) for item in allow_private if "/" not in item and not is_ip(item))
    return DestinationPolicy(allow_all=False, hosts=hosts, networks=tuple(networks))


def _network(item: str) -> IPNetwork:
    try:
        return ipaddress.ip_network(item.strip("[]"), strict=False)
    except ValueError:
        raise ValueError(f"{SETTING}: {item!r} is not a network; write it as 10.0.0.0/8 or fd00::/8") from None


def _host(item: str) -> str:
    try:
        return check_host(item)
    except ValueError as err:
        raise ValueError(f"{SETTING}: {err}; list host names and networks, separated by commas") from None
