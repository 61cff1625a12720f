"""Probes: one module per target kind. They gather facts (network I/O, never raising for a target's fault)
and judge them (pure functions returning :class:`~opsverify.verdict.Verdict`). No pytest here."""
