"""Cotraitance domain: aggregates, value objects and business rules (R1-R24 of DESIGN.md).

Pure: the standard library, ``eventsourcing.domain`` and rapidfuzz only. Event classes and
their modules are persisted names: never rename them, register a topic instead.
"""
