"""The correlation engine: DHCP transactions, failover sessions, leases and findings, sans I/O.

Public API: Engine, EngineSettings, and the output records Transaction, Finding, Server,
Relationship, Lease, CaptureStats, Summary (each with to_dict() giving the report contract's
objects, dhcpanalyze.report/1) plus CATALOG (every finding code with severity and explanation).
"""
from .core import Engine
from .findings import CATALOG, SEVERITIES, Finding
from .leases import Lease
from .relationship import Relationship
from .servers import Server
from .settings import EngineSettings
from .summary import CaptureStats, Summary
from .transactions import Offer, Transaction

SCHEMA = "dhcpanalyze.report/1"

__all__ = ["CATALOG", "SCHEMA", "SEVERITIES", "CaptureStats", "Engine", "EngineSettings",
           "Finding", "Lease", "Offer", "Relationship", "Server", "Summary", "Transaction"]
