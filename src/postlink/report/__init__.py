"""Reports built from the archive: the audit (JSON contract, table)."""
