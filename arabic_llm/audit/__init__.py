"""Audits and reporting: bias probes and stereotypes, the model card, the run report."""
