"""The configuration files the lab writes for the real programs: both dhcpd.conf files (the seed's
failover pair with timers shortened), dhclient.conf and a dhclient-script that stays in its namespace."""
from __future__ import annotations

from dataclasses import dataclass

PEER = "FAILOVER"
PRIMARY_IP = "192.168.100.2"
SECONDARY_IP = "192.168.100.3"
MCLT = 60                   # the seed uses 1800; 60 keeps a recover-wait short
MAX_RESPONSE_DELAY = 10     # the seed uses 30; 10 makes a partition show up within seconds
LOAD_BALANCE_MAX_SECONDS = 3


@dataclass(frozen=True)
class Subnet:
    """One shared segment and its failover pool."""

    network: str        # "192.168.100.0"
    first: str          # pool range, inclusive
    last: str


SEED_SUBNET = Subnet("192.168.100.0", "192.168.100.50", "192.168.100.199")
RELAY_SUBNET = Subnet("192.168.101.0", "192.168.101.50", "192.168.101.199")


def failover_block(primary: bool) -> str:
    """The `failover peer` statement; mclt and split may only be configured on the primary."""
    me, peer = (PRIMARY_IP, SECONDARY_IP) if primary else (SECONDARY_IP, PRIMARY_IP)
    role = ["  primary;", f"  mclt {MCLT};", "  split 128;"] if primary else ["  secondary;"]
    return "\n".join([
        f'failover peer "{PEER}" {{',
        role[0],
        f"  address {me};",
        "  port 647;",
        f"  peer address {peer};",
        "  peer port 647;",
        f"  max-response-delay {MAX_RESPONSE_DELAY};",
        "  max-unacked-updates 10;",
        f"  load balance max seconds {LOAD_BALANCE_MAX_SECONDS};",
        *role[1:],
        "}",
    ])


def subnet_block(subnet: Subnet) -> str:
    return "\n".join([
        f"subnet {subnet.network} netmask 255.255.255.0 {{",
        "  pool {",
        f'    failover peer "{PEER}";',
        f"    range {subnet.first} {subnet.last};",
        "  }",
        "}",
    ])


def dhcpd_conf(primary: bool, subnets: tuple[Subnet, ...] = (SEED_SUBNET,), lease_time: int = 600,
               extra: str = "") -> str:
    """`lease_time`: default and max lease time (600 / 3600 unless shortened); `extra`: more
    statements at the end (e.g. a host declaration only this server has)."""
    role = "primary" if primary else "secondary"
    head = [
        f"# dhcpanalyze lab, {role} {PRIMARY_IP if primary else SECONDARY_IP}: the seed's failover pair",
        "authoritative;",
        "ddns-update-style none;",
        "# no ICMP echo before an OFFER: the capture holds only DHCP, failover and what they cause",
        "ping-check false;",
        f"default-lease-time {lease_time};",
        f"max-lease-time {3600 if lease_time == 600 else lease_time};",
    ]
    return "\n\n".join(["\n".join(head), failover_block(primary),
                        *(subnet_block(s) for s in subnets), *([extra] if extra else [])]) + "\n"


def ignored_host(name: str, mac: str) -> str:
    """A host declaration that makes this dhcpd drop the client's DISCOVERs without a word on
    the wire (dhcpd.conf(5) `ignore booting`): a server that is up and in NORMAL but silent."""
    return f"host {name} {{\n  hardware ethernet {mac};\n  ignore booting;\n}}"


def dhclient_conf(hostname: str) -> str:
    """A client that asks for the usual options and names itself, like a desktop would."""
    return "\n".join([
        "# dhcpanalyze lab client",
        f'send host-name "{hostname}";',
        "request subnet-mask, broadcast-address, time-offset, routers,",
        "        domain-name, domain-name-servers, host-name;",
        "timeout 60;",
        "retry 10;",
    ]) + "\n"


# Runs inside the client's namespace. It only sets or removes the leased address: no routes, no
# resolv.conf, no hostname, so nothing outside the namespace changes.
DHCLIENT_SCRIPT = """#!/bin/sh
# dhcpanalyze lab dhclient-script: address inside this network namespace only.
case "$reason" in
  PREINIT)
    ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    if [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ]; then
      ip -4 addr flush dev "$interface"
    fi
    ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP)
    ip -4 addr flush dev "$interface" ;;
  TIMEOUT)
    # an old lease no server confirmed: do not use it
    ip -4 addr flush dev "$interface"
    exit 1 ;;
esac
exit 0
"""
