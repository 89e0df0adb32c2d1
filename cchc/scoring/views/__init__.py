"""Pages of the PAR index: the workflow (rounds, self-assessment, appraisal) and the results."""
