"""Document guards, one per module: limits, cost, NUL characters."""
