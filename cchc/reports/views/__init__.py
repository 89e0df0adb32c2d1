"""Pages of periodic reports: the units' reports and the province's consolidated report."""
