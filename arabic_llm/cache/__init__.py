"""Content addressing: keys, code fingerprints, the artifact store, remote stores, records tables, run records,
and the stage body with its Prefect cache policy. Orchestration: never part of a stage's key."""
